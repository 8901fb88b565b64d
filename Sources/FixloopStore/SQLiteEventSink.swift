import FixloopScorer
import Foundation
import GRDB
import GRDBSQLite

/// The scorer's event sink in SQLite: each batch is one transaction of `INSERT OR IGNORE` on the event id.
///
/// A batch is committed before the next is read, so an import stopped midway keeps every whole batch it
/// finished, and a rerun stores only what is missing: the primary key turns the rest into `alreadyStored`.
/// Values are bound through SQLite's C API, and properties are written as the JSON text the importer kept.
public struct SQLiteEventSink: AnalyticsEventSink {
    private let database: FixloopDatabase

    /// Stores into the `analytics_event` table of `database`.
    public init(database: FixloopDatabase) { self.database = database }

    static let insertSQL = """
        INSERT OR IGNORE INTO analytics_event
            (id, name, distinct_id, session_id, timestamp, properties, elements_chain, source)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Stores a batch in one transaction and returns how many events were new.
    /// - Throws: ``StoreError`` when SQLite fails; the batch is then not stored at all.
    public mutating func store(_ events: [AnalyticsEvent]) throws -> Int {
        do {
            return try database.pool.write { db in
                let statement = try SQLiteStatement(db, sql: Self.insertSQL)
                var stored = 0
                for event in events {
                    statement.bind(1, event.id)
                    statement.bind(2, event.name)
                    statement.bind(3, event.distinctID)
                    statement.bind(4, event.sessionID)
                    statement.bind(5, event.timestamp.timeIntervalSince1970)
                    statement.bind(7, event.elementsChain)
                    statement.bind(8, event.source.rawValue)
                    // The properties are bound in place, not copied: the bytes outlive the step that reads them.
                    try event.propertiesJSON.withUnsafeBufferPointer { properties in
                        statement.bind(6, unsafeUTF8: properties)
                        try statement.run()
                    }
                    stored += Int(sqlite3_changes(db.sqliteConnection))
                }
                return stored
            }
        } catch let error as DatabaseError {
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
