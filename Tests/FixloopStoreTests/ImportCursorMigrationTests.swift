import FixloopCore
import FixloopTesting
import Foundation
import GRDB
import Testing

@testable import FixloopIngest
@testable import FixloopStore

/// One cursor table: a store that kept a warehouse cursor in `warehouse_cursor` (`import.v1`) has it in
/// `import_cursor` after `import.v2`, and the old table is gone.
struct ImportCursorMigrationTests {
    @Test func aWarehouseCursorFromImportV1MovesToImportCursorAndItsTableIsDropped() async throws {
        try await withTemporaryDirectory("fixloop-cursor") { root in
            let path = root.appendingPathComponent("old.sqlite").path
            let source = "postgres://postgres@127.0.0.1:5432/shop#events"
            do {
                let pool = try DatabasePool(path: path)
                try FixloopDatabase.migrator.migrate(pool, upTo: "import.v1")
                try await pool.write { db in
                    try db.execute(
                        sql: "INSERT INTO warehouse_cursor (source, timestamp_us, last_id, updated_at) VALUES (?, ?, ?, ?)",
                        arguments: [source, 1_772_359_200_123_456, "u-5", 1_772_359_300.0])
                    try db.execute(
                        sql: "INSERT INTO import_cursor (source, position, updated_at) VALUES (?, ?, ?)",
                        arguments: ["posthog:https://us.posthog.com/1", "2026-03-01T10:00:00Z u-1", 1_772_359_300.0])
                }
            }
            let database = try FixloopDatabase(url: URL(fileURLWithPath: path))
            let sink = SQLiteEventSink(database: database)
            #expect(try sink.cursor(for: source) == "1772359200123456|u-5")
            #expect(try sink.cursor(for: "posthog:https://us.posthog.com/1") == "2026-03-01T10:00:00Z u-1")
            let tables = try await database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            #expect(!tables.contains("warehouse_cursor") && tables.contains("import_cursor"))
        }
    }

    @Test func aNewStoreHasOneCursorTable() async throws {
        try await withTemporaryDirectory("fixloop-cursor") { root in
            let database = try FixloopDatabase(url: root.appendingPathComponent("new.sqlite"))
            let tables = try await database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%cursor%'")
            }
            #expect(tables == ["import_cursor"])
        }
    }
}
