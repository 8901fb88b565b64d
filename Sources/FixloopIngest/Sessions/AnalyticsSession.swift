import Foundation

/// One user's session: its events in time order.
public struct AnalyticsSession: Sendable, Hashable {
    /// The source's session id, or `inferred-<user hash>-<start ms>` for sessions cut by idle gap.
    public var id: String
    /// Who it was. Personal data: never in an error, a log line or a prompt.
    public var distinctID: String
    /// The events, sorted by time (ties by id).
    public var events: [AnalyticsEvent]
    /// Whether the source gave the session id (`false`: cut by the idle gap).
    public var hasSourceID: Bool

    /// Creates a session; `events` must be non-empty and sorted.
    public init(id: String, distinctID: String, events: [AnalyticsEvent], hasSourceID: Bool) {
        self.id = id
        self.distinctID = distinctID
        self.events = events
        self.hasSourceID = hasSourceID
    }

    /// The first event's time.
    public var start: Date { events.first?.timestamp ?? .distantPast }
    /// The last event's time.
    public var end: Date { events.last?.timestamp ?? .distantPast }
    /// From the first event to the last.
    public var duration: TimeInterval { end.timeIntervalSince(start) }
}
