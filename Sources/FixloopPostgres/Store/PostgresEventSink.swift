import FixloopIngest
import Foundation
import PostgresNIO

/// The scorer's event sink in PostgreSQL: each batch (with its import cursor) is one transaction of multi-row
/// `INSERT … ON CONFLICT (id) DO NOTHING`, so a re-import stores nothing and says so, and a failed batch stores
/// nothing and leaves its cursor where it was.
///
/// A session context (``EventContext``) is written once to `analytics_event_context`, under an id drawn from the
/// table's identity sequence before the events are inserted (two machines importing at once never draw the same
/// id), and only when an event that uses it was stored; the sink then recognizes it by its bytes while it is among
/// the contexts written lately, as the SQLite sink does.
///
/// The protocol is synchronous and the database is not: every call waits on the calling thread
/// (``PostgresStore/waitFor(_:)``), so call it from a thread of its own — the importer stores on a
/// `StoringThread` — never from a cooperative pool thread.
public struct PostgresEventSink: CursorEventSink {
    public let store: PostgresStore
    private var contexts: RecentContexts
    private let rememberedContexts: Int

    /// Events per `INSERT` statement (9 binds each, well under PostgreSQL's 65,535).
    static let rowsPerStatement = 1_000

    /// Stores into `store`'s `analytics_event` table, recognizing up to `rememberedContexts` recently written
    /// contexts.
    public init(store: PostgresStore, rememberedContexts: Int = 8_192) {
        self.store = store
        self.rememberedContexts = rememberedContexts
        contexts = RecentContexts(limit: rememberedContexts)
    }

    /// Stores a batch in one transaction and returns how many events were new.
    /// - Throws: ``PostgresError``; the batch is then not stored at all.
    public mutating func store(_ events: [AnalyticsEvent]) throws -> Int {
        try store(events, cursor: nil)
    }

    /// Stores a batch and moves `cursor` in the same transaction (``CursorEventSink``).
    public mutating func store(_ events: [AnalyticsEvent], cursor: ImportCursor) throws -> Int {
        try store(events, cursor: Optional(cursor))
    }

    /// The stored position of `source` (`import_cursor`), or nil before its first page.
    public func cursor(for source: String) throws -> String? {
        let store = store
        return try store.waitFor {
            try await store.withConnection { connection, logger in
                var position: String?
                for try await value in try await connection.query(
                    "SELECT position FROM import_cursor WHERE source = \(source)", logger: logger
                ).decode(String.self) { position = value }
                return position
            }
        }
    }

    /// How many events the store holds.
    public func count() throws -> Int {
        let store = store
        return try store.waitFor {
            try await store.withConnection { connection, logger in
                var count = 0
                for try await value in try await connection.query(
                    "SELECT count(*)::bigint FROM analytics_event", logger: logger
                ).decode(Int.self) { count = value }
                return count
            }
        }
    }

    private mutating func store(_ events: [AnalyticsEvent], cursor: ImportCursor?) throws -> Int {
        let batch = prepare(events)
        let store = store
        // A failed batch kept nothing, and the sink remembers only contexts of committed batches.
        let written = try store.waitFor { try await store.withTransaction { try await batch.write(cursor: cursor, $0, $1) } }
        for (index, id) in written.contexts {
            contexts.remember(batch.newContexts[index].bytes, hash: batch.newContexts[index].hash, id: id)
        }
        return written.stored
    }

    /// The batch's rows, each context either known (its id) or new (an index into the batch's new contexts).
    private mutating func prepare(_ events: [AnalyticsEvent]) -> EventBatch {
        var batch = EventBatch()
        batch.rows.reserveCapacity(events.count)
        var newByHash: [UInt64: [Int]] = [:]
        for index in events.indices {
            let parts = events[index].propertyParts
            var context = EventBatch.ContextReference.none
            if let bytes = parts.context {
                if let known = bytes.withUnsafeBufferPointer({ contexts.find($0, hash: parts.contextHash) }) {
                    context = .known(known.id)
                } else if let same = newByHash[parts.contextHash, default: []].first(where: { batch.newContexts[$0].bytes == bytes }) {
                    context = .new(same)
                } else {
                    newByHash[parts.contextHash, default: []].append(batch.newContexts.count)
                    context = .new(batch.newContexts.count)
                    batch.newContexts.append((bytes, parts.contextHash))
                }
            }
            let event = events[index]
            batch.rows.append(EventBatch.Row(
                id: event.id, name: event.name, distinctID: event.distinctID, sessionID: event.sessionID,
                timestamp: event.timestamp, properties: String(decoding: parts.own, as: UTF8.self),
                elementsChain: event.elementsChain, source: event.source.rawValue, context: context))
        }
        return batch
    }
}

/// One batch as the transaction writes it.
struct EventBatch: Sendable {
    enum ContextReference: Sendable {
        case none
        case known(Int64)
        case new(Int)
    }

    struct Row: Sendable {
        var id, name, distinctID: String
        var sessionID: String?
        var timestamp: Date
        var properties: String
        var elementsChain: String?
        var source: String
        var context: ContextReference
    }

    var rows: [Row] = []
    /// The contexts not known to be stored, by first use.
    var newContexts: [(bytes: [UInt8], hash: UInt64)] = []

    /// Inserts the batch and moves `cursor` inside the caller's transaction.
    /// - Returns: How many events were new, and the new contexts written (index, id).
    func write(cursor: ImportCursor?, _ connection: PostgresConnection, _ logger: Logger) async throws
        -> (stored: Int, contexts: [(Int, Int64)]) {
        if let cursor {
            try await connection.query("""
                INSERT INTO import_cursor (source, position, updated_at) VALUES (\(cursor.source), \(cursor.position), now())
                ON CONFLICT (source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                """, logger: logger)
        }
        // Ids for the new contexts from the identity sequence: unique across every process sharing the database.
        var ids: [Int64] = []
        if !newContexts.isEmpty {
            for try await id in try await connection.query("""
                SELECT nextval(pg_get_serial_sequence('analytics_event_context', 'id')) FROM generate_series(1, \(newContexts.count))
                """, logger: logger).decode(Int64.self) { ids.append(id) }
        }
        var stored = 0
        var used = Set<Int64>()
        for start in stride(from: 0, to: rows.count, by: PostgresEventSink.rowsPerStatement) {
            let chunk = rows[start..<min(start + PostgresEventSink.rowsPerStatement, rows.count)]
            var bindings = PostgresBindings(capacity: chunk.count * 9)
            var tuples: [String] = []
            tuples.reserveCapacity(chunk.count)
            for row in chunk {
                let first = bindings.count + 1
                bindings.append(row.id)
                bindings.append(row.name)
                bindings.append(row.distinctID)
                bindings.append(row.sessionID)
                bindings.append(row.timestamp.timeIntervalSince1970)
                bindings.append(row.properties)
                bindings.append(row.elementsChain)
                bindings.append(row.source)
                switch row.context {
                case .none: bindings.append(Int64?.none)
                case .known(let id): bindings.append(id)
                case .new(let index): bindings.append(ids[index])
                }
                // The time as seconds, rounded to PostgreSQL's microsecond by `to_timestamp` (a bound `Date` is cut
                // short, so an exact millisecond would read back a microsecond early).
                tuples.append("($\(first),$\(first + 1),$\(first + 2),$\(first + 3),to_timestamp($\(first + 4)),"
                    + "$\(first + 5),$\(first + 6),$\(first + 7),$\(first + 8))")
            }
            let query = PostgresQuery(unsafeSQL: """
                INSERT INTO analytics_event
                    (id, name, distinct_id, session_id, "timestamp", properties, elements_chain, source, context_id)
                VALUES \(tuples.joined(separator: ",")) ON CONFLICT (id) DO NOTHING RETURNING context_id
                """, binds: bindings)
            for try await contextID in try await connection.query(query, logger: logger).decode(Int64?.self) {
                stored += 1
                if let contextID { used.insert(contextID) }
            }
        }
        // A new context is written only when an event that uses it was stored: a re-import writes none.
        let written = ids.enumerated().filter { used.contains($0.element) }.map { ($0.offset, $0.element) }
        for start in stride(from: 0, to: written.count, by: PostgresEventSink.rowsPerStatement) {
            let chunk = written[start..<min(start + PostgresEventSink.rowsPerStatement, written.count)]
            var bindings = PostgresBindings(capacity: chunk.count * 2)
            var tuples: [String] = []
            for (index, id) in chunk {
                bindings.append(id)
                bindings.append(String(decoding: newContexts[index].bytes, as: UTF8.self))
                tuples.append("($\(bindings.count - 1),$\(bindings.count))")
            }
            try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO analytics_event_context (id, properties) VALUES \(tuples.joined(separator: ","))
                """, binds: bindings), logger: logger)
        }
        return (stored, written)
    }
}
