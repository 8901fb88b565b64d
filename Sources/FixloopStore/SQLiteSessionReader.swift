import FixloopIngest
import Foundation
import GRDB

/// Reads stored events back as sessions, one session in memory at a time.
///
/// Events with a source session id are read ordered by that id, the others by user, so each session (or each
/// user's run of events, cut by ``Sessionizer/split(_:user:)``) is complete when the next key starts.
public struct SQLiteSessionReader: SessionReading {
    private let database: FixloopDatabase
    /// The sessionizer that cuts events without a session id.
    public var sessionizer: Sessionizer

    /// Reads from `database`, cutting sessionless events with `sessionizer`.
    public init(database: FixloopDatabase, sessionizer: Sessionizer = Sessionizer()) {
        self.database = database
        self.sessionizer = sessionizer
    }

    /// Calls `body` with every session of the events that happened at or after `since` and before `until`, in no
    /// particular order.
    /// - Throws: ``StoreError`` when SQLite fails, or what `body` throws.
    public func forEachSession(since: Date? = nil, until: Date? = nil, _ body: (AnalyticsSession) throws -> Void) throws {
        let start = since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
        let end = until?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude
        do {
            try database.pool.read { db in
                try readGroups(
                    db, sql: """
                        SELECT e.id, e.name, e.distinct_id, e.session_id, e.timestamp, e.properties, e.elements_chain,
                               e.source, c.properties, e.context_id
                        FROM analytics_event e LEFT JOIN analytics_event_context c ON c.id = e.context_id
                        WHERE e.session_id IS NOT NULL AND e.timestamp >= ? AND e.timestamp < ?
                        ORDER BY e.session_id
                        """, start: start, end: end, key: { $0.sessionID ?? "" }
                ) { events in
                    let sorted = events.sorted { $0.timestamp != $1.timestamp ? $0.timestamp < $1.timestamp : $0.id < $1.id }
                    try body(AnalyticsSession(
                        id: sorted[0].sessionID ?? "", distinctID: sorted.last!.distinctID, events: sorted, hasSourceID: true))
                }
                try readGroups(
                    db, sql: """
                        SELECT e.id, e.name, e.distinct_id, e.session_id, e.timestamp, e.properties, e.elements_chain,
                               e.source, c.properties, e.context_id
                        FROM analytics_event e INDEXED BY analytics_event_sessionless
                            LEFT JOIN analytics_event_context c ON c.id = e.context_id
                        WHERE e.session_id IS NULL AND e.timestamp >= ? AND e.timestamp < ?
                        ORDER BY e.distinct_id
                        """, start: start, end: end, key: \.distinctID
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
        _ db: Database, sql: String, start: Double, end: Double, key: (AnalyticsEvent) -> String,
        _ emit: ([AnalyticsEvent]) throws -> Void
    ) throws {
        let statement = try SQLiteStatement(db, sql: sql)
        statement.bind(1, start)
        statement.bind(2, end)
        var group: [AnalyticsEvent] = []
        var groupKey: String?
        var context = LastContext()
        while try statement.step() {
            let event = Self.event(statement, context: &context)
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
    /// The context read last: a session's events share one copy of it.
    private struct LastContext {
        var id: Int64 = 0
        var bytes: [UInt8] = []
    }

    private static func event(_ row: SQLiteStatement, context: inout LastContext) -> AnalyticsEvent {
        let (id, name, distinctID) = (row.string(0) ?? "", row.string(1) ?? "", row.string(2) ?? "")
        let (sessionID, timestamp) = (row.string(3), Date(timeIntervalSince1970: row.double(4)))
        let (chain, source) = (row.string(6), row.string(7).flatMap(AnalyticsSource.init(rawValue:)) ?? .posthog)
        if row.isNull(8) {
            return AnalyticsEvent(
                id: id, name: name, distinctID: distinctID, sessionID: sessionID, timestamp: timestamp,
                propertiesJSON: Array(row.bytes(5)), elementsChain: chain, source: source)
        }
        // The event's own properties and its session's context: joined into one object when they are read.
        let contextID = row.int64(9)
        if contextID != context.id || context.bytes.isEmpty { context = LastContext(id: contextID, bytes: Array(row.bytes(8))) }
        return AnalyticsEvent(
            id: id, name: name, distinctID: distinctID, sessionID: sessionID, timestamp: timestamp,
            ownPropertiesJSON: Array(row.bytes(5)), contextJSON: context.bytes, contextHash: 0,
            elementsChain: chain, source: source)
    }
}
