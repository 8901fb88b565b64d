import Foundation
import GRDB

/// Where an incremental import from a source (a warehouse table) stopped: the last imported row's time, in
/// microseconds since 1970, and its id, saved after each page is stored (migration `import.v1`).
public struct WarehouseCursor: Sendable, Hashable {
    public var timestampMicros: Int64
    public var id: String

    public init(timestampMicros: Int64, id: String) {
        self.timestampMicros = timestampMicros
        self.id = id
    }
}

/// The `warehouse_cursor` table: one cursor per source, named by a key without secrets (`postgres://user@host:port/db#table`).
public struct SQLiteImportCursors: Sendable {
    private let database: FixloopDatabase

    public init(database: FixloopDatabase) { self.database = database }

    /// The cursor of `source`, or nil before its first import.
    public func cursor(source: String) async throws -> WarehouseCursor? {
        try await database.wrapErrors("read") {
            try await database.pool.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT timestamp_us, last_id FROM warehouse_cursor WHERE source = ?", arguments: [source]
                ).map { WarehouseCursor(timestampMicros: $0["timestamp_us"], id: $0["last_id"]) }
            }
        }
    }

    /// Records that `source` was imported up to `cursor`.
    public func save(_ cursor: WarehouseCursor, source: String) async throws {
        try await database.wrapErrors("save") {
            try await database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO warehouse_cursor (source, timestamp_us, last_id, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (source) DO UPDATE SET timestamp_us = excluded.timestamp_us,
                            last_id = excluded.last_id, updated_at = excluded.updated_at
                        """,
                    arguments: [source, cursor.timestampMicros, cursor.id, Date().timeIntervalSince1970])
            }
        }
    }

    /// Registers `import.v1`.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("import.v1") { db in
            try db.create(table: "warehouse_cursor") { table in
                table.primaryKey("source", .text)
                table.column("timestamp_us", .integer).notNull()
                table.column("last_id", .text).notNull()
                table.column("updated_at", .double).notNull()
            }
        }
    }
}
