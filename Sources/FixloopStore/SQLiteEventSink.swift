import FixloopScorer
import Foundation
import GRDB

/// The scorer's event sink in SQLite: each batch is one transaction of `INSERT OR IGNORE` on the event id.
///
/// A batch is committed before the next is read, so an import stopped midway keeps every whole batch it
/// finished, and a rerun stores only what is missing: the primary key turns the rest into `alreadyStored`.
public struct SQLiteEventSink: AnalyticsEventSink {
    private let database: FixloopDatabase

    /// Stores into the `analytics_event` table of `database`.
    public init(database: FixloopDatabase) { self.database = database }

    /// Stores a batch in one transaction and returns how many events were new.
    /// - Throws: ``StoreError`` when SQLite fails; the batch is then not stored at all.
    public mutating func store(_ events: [AnalyticsEvent]) throws -> Int {
        do {
            return try database.pool.write { db in
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT OR IGNORE INTO analytics_event
                            (id, name, distinct_id, session_id, timestamp, properties, elements_chain, source)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                var stored = 0
                for event in events {
                    try statement.execute(arguments: [
                        event.id, event.name, event.distinctID, event.sessionID, event.timestamp.timeIntervalSince1970,
                        String(decoding: JSONValue.object(event.properties).compactBytes(), as: UTF8.self), event.elementsChain, event.source.rawValue,
                    ])
                    stored += db.changesCount
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
