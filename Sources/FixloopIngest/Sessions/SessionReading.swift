import Foundation

/// Reads stored events back as sessions, one session in memory at a time: what the scorer's session feed takes.
///
/// Events with a source session id are grouped by that id; the others by user, each user's run then cut by a
/// ``Sessionizer``. A session's events are in time order (ties by id), their own properties and their context
/// joined. Implementations block: call ``forEachSession(since:until:_:)`` on a thread of its own, never on one of
/// Swift's cooperative pool threads.
public protocol SessionReading: Sendable {
    /// Calls `body` with every session of the events that happened at or after `since` and before `until`, in no
    /// particular order.
    /// - Throws: the store's errors, or what `body` throws (which stops the reading).
    func forEachSession(since: Date?, until: Date?, _ body: (AnalyticsSession) throws -> Void) throws
}
