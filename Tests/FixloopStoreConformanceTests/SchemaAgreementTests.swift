import FixloopPostgres
import FixloopStore
import FixloopTesting
import Foundation
import GRDB
import Testing

/// The SQLite store's migrated tables have exactly the columns `StoreSchema.shared` describes (names, types,
/// nullability, defaults, primary keys, indexes), so the PostgreSQL DDL rendered from the description and the SQLite
/// migrations cannot drift apart.
struct SchemaAgreementTests {
    static func sqliteType(_ type: StoreSchema.ColumnType) -> String {
        switch type {
        case .integer: return "INTEGER"
        case .text: return "TEXT"
        case .real, .timestamp: return "DOUBLE"
        case .boolean: return "BOOLEAN"
        }
    }

    @Test(arguments: StoreSchema.shared.tables.map(\.name))
    func theSQLiteTableHasTheDescribedColumns(table name: String) async throws {
        try await withTemporaryDirectory("fixloop-schema") { root in
            let database = try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite"))
            let table = StoreSchema.shared.table(name)
            let rows = try await database.pool.read { db in try Row.fetchAll(db, sql: "PRAGMA table_info(\(name))") }
            #expect(!rows.isEmpty, "SQLite has no table \(name)")
            let actual = rows.map { row -> String in
                let type: String = row["type"]
                let notNull: Bool = row["notnull"]
                let key: Int = row["pk"]
                let defaultValue: String? = row["dflt_value"]
                return "\(row["name"] as String) \(type.uppercased())\(notNull || key > 0 ? " NOT NULL" : "")\(key > 0 ? " KEY" : "")"
                    + (defaultValue.map { " DEFAULT \($0)" } ?? "")
            }
            let described = table.columns.map { column in
                let key = table.primaryKey.contains(column.name)
                return "\(column.name) \(Self.sqliteType(column.type))\(column.nullable && !key ? "" : " NOT NULL")\(key ? " KEY" : "")"
                    + (column.defaultValue.map { " DEFAULT \($0)" } ?? "")
            }
            #expect(actual.sorted() == described.sorted())
        }
    }

    @Test func theSQLiteIndexesAreTheDescribedOnes() async throws {
        try await withTemporaryDirectory("fixloop-schema") { root in
            let database = try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite"))
            for index in StoreSchema.shared.indexes {
                let (sql, columns) = try await database.pool.read { db in
                    (try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", arguments: [index.name]),
                     try String.fetchAll(db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [index.name]))
                }
                let text = try #require(sql, "SQLite has no index \(index.name)")
                #expect(columns == index.columns, "\(index.name)")
                #expect(text.uppercased().hasPrefix(index.unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX"), "\(index.name)")
                if let condition = index.condition {
                    #expect(text.hasSuffix("WHERE " + condition), "\(index.name): \(text)")
                } else {
                    #expect(!text.uppercased().contains(" WHERE "), "\(index.name): \(text)")
                }
            }
        }
    }
}
