import FixloopCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Inserts `rows` (values in the order of `table`'s columns, as ``FixloopDatabase``'s export gives them: a
    /// timestamp as seconds since 1970) into `table`, skipping every row that collides with one already there (its
    /// key, or any unique index: a ticket's active job), so a second copy inserts nothing. An identity column's
    /// sequence is moved past the largest id copied.
    /// - Returns: the rows inserted.
    /// - Throws: ``PostgresError``.
    public func insertMissing(_ table: StoreSchema.Table, rows: [[JSONValue]]) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        let names = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        var inserted = 0
        for chunk in stride(from: 0, to: rows.count, by: 500).map({ Array(rows[$0..<min($0 + 500, rows.count)]) }) {
            var bindings = PostgresBindings(capacity: chunk.count * table.columns.count)
            var tuples: [String] = []
            for row in chunk {
                var places: [String] = []
                for (column, value) in zip(table.columns, row) {
                    try Self.bind(value, as: column, into: &bindings)
                    places.append("$\(bindings.count)")
                }
                tuples.append("(" + places.joined(separator: ", ") + ")")
            }
            let query = PostgresQuery(
                unsafeSQL: "INSERT INTO \"\(table.name)\" (\(names)) VALUES \(tuples.joined(separator: ", ")) ON CONFLICT DO NOTHING RETURNING 1",
                binds: bindings)
            inserted += try await withTransaction { connection, logger in
                var count = 0
                for try await _ in try await connection.query(query, logger: logger) { count += 1 }
                return count
            }
        }
        if table.autoIncrement, let key = table.primaryKey.first, table.primaryKey.count == 1 {
            try await withConnection { connection, logger in
                try await connection.query(PostgresQuery(unsafeSQL: """
                    SELECT setval(pg_get_serial_sequence('"\(table.name)"', '\(key)'), (SELECT COALESCE(max("\(key)"), 0) + 1 FROM "\(table.name)"), false)
                    """), logger: logger)
            }
        }
        return inserted
    }

    private static func bind(_ value: JSONValue, as column: StoreSchema.Column, into bindings: inout PostgresBindings) throws {
        switch (column.type, value) {
        case (_, .null): bindings.appendNull()
        case (.integer, .integer(let number)): bindings.append(Int64(number))
        case (.integer, .number(let number)): bindings.append(Int64(number))
        case (.real, .integer(let number)): bindings.append(Double(number))
        case (.real, .number(let number)): bindings.append(number)
        case (.timestamp, .integer(let seconds)): bindings.append(Date(timeIntervalSince1970: Double(seconds)))
        case (.timestamp, .number(let seconds)): bindings.append(Date(timeIntervalSince1970: seconds))
        case (.text, .string(let text)): bindings.append(text)
        case (.text, .integer(let number)): bindings.append(String(number))
        case (.boolean, .integer(let number)): bindings.append(number != 0)
        case (.boolean, .bool(let flag)): bindings.append(flag)
        default:
            throw PostgresError(.queryFailed, "The column \(column.name) (\(column.type.rawValue)) cannot take the value \(value) being copied.")
        }
    }
}
