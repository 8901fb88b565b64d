import Foundation

/// What the planner needs from one session besides its score: who (hashed), where, and each failure in a
/// structured form — exceptions with their in-app frames, rage and dead clicks, milestones and the exit route.
///
/// Built when the session is scored and stored beside the score (`session_facts`), so planning never re-reads
/// the raw events. It carries no personal data: the user is a stable hash of the distinct id.
public struct SessionFacts: Sendable, Hashable, Codable {
    /// An exception with its top in-app frames.
    public struct Exception: Sendable, Hashable, Codable {
        /// The exception type, such as `CheckoutError`.
        public var type: String
        /// The message (emails masked, at most 200 characters).
        public var message: String
        /// The route template where it happened.
        public var route: String
        /// Whether the app handled it; nil when the event does not say.
        public var handled: Bool?
        /// In-app frames, innermost first, at most three (no line numbers).
        public var frames: [Frame]

        public init(type: String, message: String, route: String, handled: Bool? = nil, frames: [Frame] = []) {
            self.type = type
            self.message = message
            self.route = route
            self.handled = handled
            self.frames = frames
        }
    }

    /// A stack frame as the planner fingerprints it: file and function, not the line.
    public struct Frame: Sendable, Hashable, Codable {
        public var file: String
        public var function: String
        /// The line, for pointing at code (never part of a fingerprint).
        public var line: Int?

        public init(file: String, function: String, line: Int? = nil) {
            self.file = file
            self.function = function
            self.line = line
        }
    }

    /// A rage or dead click.
    public struct Click: Sendable, Hashable, Codable {
        public var label: String
        public var route: String

        public init(label: String, route: String) {
            self.label = label
            self.route = route
        }
    }

    /// A stable hash of the distinct id (16 hex digits), to count users without keeping who they are.
    public var userHash: String
    /// Page routes (templates) in the order first visited.
    public var routes: [String]
    /// The last page's route, if any.
    public var exitRoute: String?
    /// Milestones reached, in order.
    public var milestones: [String]
    /// Whether a goal milestone was reached.
    public var goalReached: Bool
    public var exceptions: [Exception]
    public var rageClicks: [Click]
    public var deadClicks: [Click]

    public init(
        userHash: String, routes: [String], exitRoute: String?, milestones: [String], goalReached: Bool,
        exceptions: [Exception], rageClicks: [Click], deadClicks: [Click]
    ) {
        self.userHash = userHash
        self.routes = routes
        self.exitRoute = exitRoute
        self.milestones = milestones
        self.goalReached = goalReached
        self.exceptions = exceptions
        self.rageClicks = rageClicks
        self.deadClicks = deadClicks
    }
}
