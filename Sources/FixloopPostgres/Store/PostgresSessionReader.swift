import FixloopIngest
import Foundation
import PostgresNIO

/// Reads the events stored in PostgreSQL back as sessions, grouped exactly as the SQLite reader groups them: by
/// source session id, and sessionless events by user, each user's run cut by the ``Sessionizer``.
///
/// Streamed in pages by key: a page is the next ``pageSize`` rows ordered by the key (session id, else user) after
/// the last key read; when a page is full its last key may go on, so that session (or user) is read whole on its
/// own before the next page. Memory holds one page and one session, never all events.
///
/// ``forEachSession(since:until:_:)`` waits on the calling thread (``PostgresStore/waitFor(_:)``): call it from a
/// thread of its own (the score's session feed reads on one), never from a cooperative pool thread.
public struct PostgresSessionReader: SessionReading {
    public let store: PostgresStore
    /// The sessionizer that cuts events without a session id.
    public var sessionizer: Sessionizer
    /// Rows read per query.
    public var pageSize = 5_000

    /// Reads from `store`, cutting sessionless events with `sessionizer`.
    public init(store: PostgresStore, sessionizer: Sessionizer = Sessionizer()) {
        self.store = store
        self.sessionizer = sessionizer
    }

    public func forEachSession(since: Date? = nil, until: Date? = nil, _ body: (AnalyticsSession) throws -> Void) throws {
        try readGroups(.session, since: since, until: until) { events in
            let sorted = Self.inOrder(events)
            try body(AnalyticsSession(id: sorted[0].sessionID ?? "", distinctID: sorted.last!.distinctID, events: sorted, hasSourceID: true))
        }
        try readGroups(.user, since: since, until: until) { events in
            let sorted = Self.inOrder(events)
            for session in sessionizer.split(sorted, user: sorted[0].distinctID) { try body(session) }
        }
    }

    /// The key events are grouped by.
    enum Key: Sendable {
        /// Events with a source session id, by that id.
        case session
        /// Events without one, by user.
        case user

        var column: String { self == .session ? "session_id" : "distinct_id" }
        var filter: String { self == .session ? "e.session_id IS NOT NULL" : "e.session_id IS NULL" }
        func of(_ event: AnalyticsEvent) -> String { self == .session ? event.sessionID ?? "" : event.distinctID }
    }

    private func readGroups(_ key: Key, since: Date?, until: Date?, _ emit: ([AnalyticsEvent]) throws -> Void) throws {
        var after: String?
        while true {
            let page = try rows(key, since: since, until: until, after: after, only: nil)
            guard let last = page.last else { return }
            let full = page.count >= pageSize
            var group: [AnalyticsEvent] = []
            for event in page {
                if let first = group.first, key.of(first) != key.of(event) {
                    try emit(group)
                    group.removeAll(keepingCapacity: true)
                }
                group.append(event)
            }
            let lastKey = key.of(last)
            // A full page may have cut the last key's events: read them whole.
            if full { group = try rows(key, since: since, until: until, after: nil, only: lastKey) }
            if !group.isEmpty { try emit(group) }
            guard full else { return }
            after = lastKey
        }
    }

    /// One page of events ordered by `key` after `after`, or every event of the key `only`.
    private func rows(_ key: Key, since: Date?, until: Date?, after: String?, only: String?) throws -> [AnalyticsEvent] {
        let (store, limit) = (store, only == nil ? pageSize : Int.max)
        let column = key.column
        // Bounds as seconds through `to_timestamp`, rounded to the microsecond as the events' times were written.
        var conditions = [
            key.filter, "($1::double precision IS NULL OR e.\"timestamp\" >= to_timestamp($1))",
            "($2::double precision IS NULL OR e.\"timestamp\" < to_timestamp($2))",
        ]
        var bindings = PostgresBindings()
        bindings.append(since?.timeIntervalSince1970)
        bindings.append(until?.timeIntervalSince1970)
        if let after {
            bindings.append(after)
            conditions.append("e.\(column) > $3")
        }
        if let only {
            bindings.append(only)
            conditions.append("e.\(column) = $3")
        }
        let query = PostgresQuery(unsafeSQL: """
            SELECT e.id, e.name, e.distinct_id, e.session_id, e."timestamp", e.properties, e.elements_chain, e.source,
                   c.properties, e.context_id
            FROM analytics_event e LEFT JOIN analytics_event_context c ON c.id = e.context_id
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY e.\(column)\(limit == Int.max ? "" : " LIMIT \(limit)")
            """, binds: bindings)
        return try store.waitFor {
            try await store.withConnection { connection, logger in
                var events: [AnalyticsEvent] = []
                // A session's events share one copy of their context.
                var contexts: [Int64: [UInt8]] = [:]
                let rows = try await connection.query(query, logger: logger)
                for try await (id, name, distinctID, sessionID, timestamp, properties, chain, source, context, contextID)
                    in rows.decode((String, String, String, String?, Date, String, String?, String, String?, Int64?).self) {
                    let source = AnalyticsSource(rawValue: source) ?? .posthog
                    guard let context, let contextID else {
                        events.append(AnalyticsEvent(
                            id: id, name: name, distinctID: distinctID, sessionID: sessionID, timestamp: timestamp,
                            propertiesJSON: Array(properties.utf8), elementsChain: chain, source: source))
                        continue
                    }
                    let bytes = contexts[contextID] ?? Array(context.utf8)
                    contexts[contextID] = bytes
                    events.append(AnalyticsEvent(
                        id: id, name: name, distinctID: distinctID, sessionID: sessionID, timestamp: timestamp,
                        ownPropertiesJSON: Array(properties.utf8), contextJSON: bytes, contextHash: 0,
                        elementsChain: chain, source: source))
                }
                return events
            }
        }
    }

    /// A session's events in time order, ties by id (as the SQLite reader orders them).
    static func inOrder(_ events: [AnalyticsEvent]) -> [AnalyticsEvent] {
        events.sorted { $0.timestamp != $1.timestamp ? $0.timestamp < $1.timestamp : $0.id < $1.id }
    }
}
