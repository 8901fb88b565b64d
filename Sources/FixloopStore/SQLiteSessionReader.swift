import FixloopScorer
import Foundation
import GRDB

/// Reads stored events back as sessions, one session in memory at a time.
///
/// Events with a source session id are read ordered by that id, the others by user, so each session (or each
/// user's run of events, cut by ``Sessionizer/split(_:user:)``) is complete when the next key starts.
public struct SQLiteSessionReader: Sendable {
    private let database: FixloopDatabase
    /// The sessionizer that cuts events without a session id.
    public var sessionizer: Sessionizer

    /// Reads from `database`, cutting sessionless events with `sessionizer`.
    public init(database: FixloopDatabase, sessionizer: Sessionizer = Sessionizer()) {
        self.database = database
        self.sessionizer = sessionizer
    }

    /// Calls `body` with every session whose events happened at or after `since`, in no particular order.
    /// - Throws: ``StoreError`` when SQLite fails, or what `body` throws.
    public func forEachSession(since: Date? = nil, _ body: (AnalyticsSession) throws -> Void) throws {
        let start = since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
        do {
            try database.pool.read { db in
                try readGroups(
                    db, sql: """
                        SELECT id, name, distinct_id, session_id, timestamp, properties, elements_chain, source
                        FROM analytics_event WHERE session_id IS NOT NULL AND timestamp >= ?
                        ORDER BY session_id
                        """, start: start, key: { $0.sessionID ?? "" }
                ) { events in
                    let sorted = events.sorted { $0.timestamp != $1.timestamp ? $0.timestamp < $1.timestamp : $0.id < $1.id }
                    try body(AnalyticsSession(
                        id: sorted[0].sessionID ?? "", distinctID: sorted.last!.distinctID, events: sorted, hasSourceID: true))
                }
                try readGroups(
                    db, sql: """
                        SELECT id, name, distinct_id, session_id, timestamp, properties, elements_chain, source
                        FROM analytics_event WHERE session_id IS NULL AND timestamp >= ?
                        ORDER BY distinct_id
                        """, start: start, key: \.distinctID
                ) { events in
                    let sorted = events.sorted { $0.timestamp != $1.timestamp ? $0.timestamp < $1.timestamp : $0.id < $1.id }
                    for session in sessionizer.split(sorted, user: sorted[0].distinctID) { try body(session) }
                }
            }
        } catch let error as DatabaseError {
            throw StoreError(operation: "read", path: database.pool.path, resultCode: error.resultCode.rawValue)
        }
    }

    private func readGroups(
        _ db: Database, sql: String, start: Double, key: (AnalyticsEvent) -> String,
        _ emit: ([AnalyticsEvent]) throws -> Void
    ) throws {
        let statement = try SQLiteStatement(db, sql: sql)
        statement.bind(1, start)
        var group: [AnalyticsEvent] = []
        var groupKey: String?
        while try statement.step() {
            let event = Self.event(statement)
            let eventKey = key(event)
            if eventKey != groupKey, !group.isEmpty {
                try emit(group)
                group.removeAll(keepingCapacity: true)
            }
            groupKey = eventKey
            group.append(event)
        }
        if !group.isEmpty { try emit(group) }
    }

    /// The event in the statement's current row (columns in the order the queries above select them). Its
    /// properties stay JSON text until read: grouping sessions needs none of them, and a timeline decodes them
    /// once per event.
    private static func event(_ row: SQLiteStatement) -> AnalyticsEvent {
        AnalyticsEvent(
            id: row.string(0) ?? "", name: row.string(1) ?? "", distinctID: row.string(2) ?? "",
            sessionID: row.string(3), timestamp: Date(timeIntervalSince1970: row.double(4)),
            propertiesJSON: Array(row.bytes(5)), elementsChain: row.string(6),
            source: row.string(7).flatMap(AnalyticsSource.init(rawValue:)) ?? .posthog)
    }
}
