/// An exception as the timeline keeps it: type, message, the top in-app frame and where it happened.
public struct ExceptionSummary: Sendable, Hashable, Codable {
    /// The exception type, such as `TypeError`.
    public var type: String
    /// The message, with email addresses masked and cut to 200 characters.
    public var message: String
    /// The top in-app frame as `function (file:line)`, if the event had frames.
    public var frame: String?
    /// The route template where it happened.
    public var route: String
    /// Whether the app handled it; `nil` when the event does not say.
    public var handled: Bool?

    /// Creates a summary.
    public init(type: String, message: String, frame: String? = nil, route: String, handled: Bool? = nil) {
        self.type = type
        self.message = message
        self.frame = frame
        self.route = route
        self.handled = handled
    }
}
