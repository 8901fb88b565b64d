import FixloopIngest
import Foundation
import GRDB
import GRDBSQLite

/// The scorer's event sink in SQLite: each batch is one transaction of `INSERT OR IGNORE` on the event id.
///
/// A batch is committed before the next is read, so an import stopped midway keeps every whole batch it
/// finished, and a rerun stores only what is missing: the primary key turns the rest into `alreadyStored`.
/// Values are bound through SQLite's C API, and properties are written as the JSON text the importer kept.
///
/// An event whose properties came cut into its own and its session's context (``EventContext``) is stored as its
/// own properties and a `context_id`; the context is written once to `analytics_event_context` (appended, with the
/// next id) when the first event that uses it is stored, and recognized by its bytes while it is among the
/// contexts written lately (``maximumRememberedContexts`` by default). One that has dropped out of that window is
/// written again under a new id: a little more space, never a wrong context.
public struct SQLiteEventSink: CursorEventSink {
    private let database: FixloopDatabase
    private var contexts: RecentContexts

    /// How many recently written contexts the sink recognizes by default (and keeps in memory: about 1 KiB each,
    /// mostly shared with the importer's own copies).
    public static let maximumRememberedContexts = 8_192

    /// Stores into the `analytics_event` table of `database`, recognizing up to `rememberedContexts` recently
    /// written contexts.
    public init(database: FixloopDatabase, rememberedContexts: Int = maximumRememberedContexts) {
        self.database = database
        self.rememberedContexts = rememberedContexts
        contexts = RecentContexts(limit: rememberedContexts)
    }

    private let rememberedContexts: Int

    static let insertSQL = """
        INSERT OR IGNORE INTO analytics_event
            (id, name, distinct_id, session_id, timestamp, properties, elements_chain, source, context_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertContextSQL = "INSERT INTO analytics_event_context (id, properties) VALUES (?, ?)"

    /// Stores a batch in one transaction and returns how many events were new.
    /// - Throws: ``StoreError`` when SQLite fails; the batch is then not stored at all.
    public mutating func store(_ events: [AnalyticsEvent]) throws -> Int {
        try store(events, cursor: nil)
    }

    /// Stores a batch and moves `cursor` in the same transaction (``CursorEventSink``).
    public mutating func store(_ events: [AnalyticsEvent], cursor: ImportCursor) throws -> Int {
        try store(events, cursor: Optional(cursor))
    }

    /// The stored position of `source` (`import_cursor`), or nil before its first page.
    public func cursor(for source: String) throws -> String? {
        do {
            return try database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT position FROM import_cursor WHERE source = ?", arguments: [source])
            }
        } catch let error as DatabaseError {
            throw StoreError(operation: "read cursor", path: database.pool.path, resultCode: error.resultCode.rawValue)
        }
    }

    private mutating func store(_ events: [AnalyticsEvent], cursor: ImportCursor?) throws -> Int {
        do {
            let stored = try database.pool.write { db in
                if let cursor {
                    try db.execute(
                        sql: "INSERT INTO import_cursor (source, position, updated_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT(source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at",
                        arguments: [cursor.source, cursor.position, Date().timeIntervalSince1970])
                }
                let statement = try SQLiteStatement(db, sql: Self.insertSQL)
                var contextStatement: SQLiteStatement?
                // The id the next new context gets: past every stored one (read once, inside this transaction).
                var nextContextID: Int64?
                var stored = 0
                // By index: the events are read in place rather than copied one by one.
                for index in events.indices {
                    let parts = events[index].propertyParts
                    var contextID: Int64?
                    var isNewContext = false
                    if let context = parts.context {
                        if let known = context.withUnsafeBufferPointer({ contexts.find($0, hash: parts.contextHash) }) {
                            contextID = known.id
                        } else {
                            if nextContextID == nil {
                                nextContextID = try (Int64.fetchOne(db, sql: "SELECT max(id) FROM analytics_event_context") ?? 0) + 1
                            }
                            contextID = nextContextID
                            isNewContext = true
                        }
                    }
                    statement.bind(1, events[index].id)
                    statement.bind(2, events[index].name)
                    statement.bind(3, events[index].distinctID)
                    statement.bind(4, events[index].sessionID)
                    statement.bind(5, events[index].timestamp.timeIntervalSince1970)
                    statement.bind(7, events[index].elementsChain)
                    statement.bind(8, events[index].source.rawValue)
                    statement.bind(9, contextID)
                    // The properties are bound in place, not copied: the bytes outlive the step that reads them.
                    try parts.own.withUnsafeBufferPointer { properties in
                        statement.bind(6, unsafeUTF8: properties)
                        try statement.run()
                    }
                    let changed = Int(sqlite3_changes(db.sqliteConnection))
                    stored += changed
                    // A new context is written only for an event that was stored: a re-import writes none.
                    if isNewContext, changed > 0, let context = parts.context, let id = contextID {
                        let insertContext = try contextStatement ?? SQLiteStatement(db, sql: Self.insertContextSQL)
                        contextStatement = insertContext
                        insertContext.bind(1, id)
                        try context.withUnsafeBufferPointer { bytes in
                            insertContext.bind(2, unsafeUTF8: bytes)
                            try insertContext.run()
                        }
                        contexts.remember(context, hash: parts.contextHash, id: id)
                        nextContextID = id + 1
                    }
                }
                return stored
            }
            return stored
        } catch {
            // The batch was rolled back, and with it any context it wrote: forget them all.
            contexts = RecentContexts(limit: rememberedContexts)
            guard let error = error as? DatabaseError else { throw error }
            throw StoreError(operation: "store", path: database.pool.path, resultCode: error.resultCode.rawValue)
        }
    }

    /// How many events the store holds.
    public func count() throws -> Int {
        do {
            return try database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM analytics_event") ?? 0 }
        } catch let error as DatabaseError {
            throw StoreError(operation: "read", path: database.pool.path, resultCode: error.resultCode.rawValue)
        }
    }
}
