import Foundation

/// Groups events into sessions: by the source's session id, otherwise per user with an idle gap.
///
/// Events may arrive in any order; each session's events are sorted by time, ties by id, so the result does not
/// depend on input order. A session is also cut when it would pass `maximumLength` (PostHog's 24 hours).
public struct Sessionizer: Sendable {
    /// PostHog's and Amplitude's web default: 30 minutes without an event ends a session.
    public static let defaultIdleGap: TimeInterval = 30 * 60

    /// The inactivity that ends an inferred session.
    public var idleGap: TimeInterval
    /// The longest an inferred session may last.
    public var maximumLength: TimeInterval

    /// Creates a sessionizer.
    public init(idleGap: TimeInterval = Sessionizer.defaultIdleGap, maximumLength: TimeInterval = 24 * 3600) {
        self.idleGap = idleGap
        self.maximumLength = maximumLength
    }

    /// The sessions of `events`, ordered by start time, then id.
    public func sessions(from events: some Sequence<AnalyticsEvent>) -> [AnalyticsSession] {
        var bySession: [String: [AnalyticsEvent]] = [:]
        var byUser: [String: [AnalyticsEvent]] = [:]
        for event in events {
            if let sessionID = event.sessionID {
                bySession[sessionID, default: []].append(event)
            } else {
                byUser[event.distinctID, default: []].append(event)
            }
        }
        var sessions: [AnalyticsSession] = []
        for (id, events) in bySession {
            let sorted = events.sorted(by: Self.inTimeOrder)
            // The session's user: the last id seen, since a login mid-session changes the distinct id.
            sessions.append(
                AnalyticsSession(id: id, distinctID: sorted.last!.distinctID, events: sorted, hasSourceID: true))
        }
        for (user, events) in byUser {
            sessions += split(events.sorted(by: Self.inTimeOrder), user: user)
        }
        return sessions.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    /// Cuts one user's sorted events wherever the idle gap or the maximum length is passed.
    public func split(_ sorted: [AnalyticsEvent], user: String) -> [AnalyticsSession] {
        var sessions: [AnalyticsSession] = []
        var current: [AnalyticsEvent] = []
        func close() {
            guard let first = current.first else { return }
            let millis = Int64((first.timestamp.timeIntervalSince1970 * 1000).rounded())
            let id = "inferred-\(StableHash.hex(StableHash.fnv1a(user)))-\(millis)"
            sessions.append(AnalyticsSession(id: id, distinctID: user, events: current, hasSourceID: false))
            current = []
        }
        for event in sorted {
            if let last = current.last, let first = current.first,
                event.timestamp.timeIntervalSince(last.timestamp) > idleGap
                    || event.timestamp.timeIntervalSince(first.timestamp) > maximumLength {
                close()
            }
            current.append(event)
        }
        close()
        return sessions
    }

    static func inTimeOrder(_ lhs: AnalyticsEvent, _ rhs: AnalyticsEvent) -> Bool {
        lhs.timestamp != rhs.timestamp ? lhs.timestamp < rhs.timestamp : lhs.id < rhs.id
    }
}
