import Foundation

/// One analytics event in the common shape every export format is mapped into.
///
/// Names follow PostHog's (`$pageview`, `$autocapture`, `$exception`…); Amplitude and Segment page and screen
/// calls are mapped onto them, their own events keep their names.
public struct AnalyticsEvent: Sendable, Hashable {
    /// The event's id in its source (`uuid`, Amplitude `uuid`/`$insert_id`, Segment `messageId`): the dedupe key.
    public var id: String
    /// The event name, such as `$pageview` or `order_completed`.
    public var name: String
    /// Who did it: PostHog `distinct_id`, Amplitude `user_id` or `device_id`, Segment `userId` or `anonymousId`.
    /// Personal data: never put it in an error, a log line or a prompt.
    public var distinctID: String
    /// The session the source put the event in, if it has one (`$session_id`, Amplitude `session_id`).
    public var sessionID: String?
    /// When it happened.
    public var timestamp: Date
    /// The event's properties.
    public var properties: [String: JSONValue]
    /// The autocapture elements chain (top-level `elements_chain` or `$elements_chain`), if any.
    public var elementsChain: String?
    /// The product the export came from.
    public var source: AnalyticsSource

    /// Creates an event.
    public init(
        id: String, name: String, distinctID: String, sessionID: String? = nil, timestamp: Date,
        properties: [String: JSONValue] = [:], elementsChain: String? = nil, source: AnalyticsSource = .posthog
    ) {
        self.id = id
        self.name = name
        self.distinctID = distinctID
        self.sessionID = sessionID
        self.timestamp = timestamp
        self.properties = properties
        self.elementsChain = elementsChain
        self.source = source
    }

    /// A property as a string, if it is one.
    public func string(_ key: String) -> String? { properties[key]?.stringValue }

    /// A property as a number, if it is one (or a string that holds one).
    public func number(_ key: String) -> Double? { properties[key]?.numberValue }
}
