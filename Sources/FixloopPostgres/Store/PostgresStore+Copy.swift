import FixloopCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Inserts `rows` (values in the order of `table`'s columns, as ``FixloopDatabase``'s export gives them: a
    /// timestamp as seconds since 1970) into `table`, skipping every row that collides with one already there (its
    /// key, or any unique index: a ticket's active job), so a second copy inserts nothing. Each chunk of 500 rows is
    /// one transaction; ``advanceSequence(of:)`` moves an identity column past the ids copied.
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
        return inserted
    }

    /// Moves the sequence of `table`'s identity column (a single `integer` key with `autoIncrement`) past the largest
    /// id in the table, so the next row inserted without an id gets a fresh one; nothing for other tables.
    /// - Throws: ``PostgresError``.
    public func advanceSequence(of table: StoreSchema.Table) async throws {
        guard table.autoIncrement, table.primaryKey.count == 1, let key = table.primaryKey.first else { return }
        try await withConnection { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT setval(pg_get_serial_sequence('"\(table.name)"', '\(key)'), (SELECT COALESCE(max("\(key)"), 0) + 1 FROM "\(table.name)"), false)
                """), logger: logger)
        }
    }

    /// How many rows `table` holds.
    /// - Throws: ``PostgresError``.
    public func rowCount(of table: StoreSchema.Table) async throws -> Int {
        try await withConnection { connection, logger in
            var count = 0
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \"\(table.name)\""), logger: logger)
                .decode(Int.self) { count = value }
            return count
        }
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
        case (.timestamp, .string(let text)):
            guard let date = Self.sqliteDate(text) else {
                throw PostgresError(.queryFailed, "The column \(column.name) (timestamp) holds \"\(text)\", which is not a date; fix the row in the SQLite file, or delete it, and copy again.")
            }
            bindings.append(date)
        case (.text, .string(let text)): bindings.append(text)
        case (.text, .integer(let number)): bindings.append(String(number))
        case (.boolean, .integer(let number)): bindings.append(number != 0)
        case (.boolean, .bool(let flag)): bindings.append(flag)
        case (.boolean, .number(let number)): bindings.append(number != 0)
        default:
            throw PostgresError(.queryFailed, "The column \(column.name) (\(column.type.rawValue)) cannot take the value \(value) being copied.")
        }
    }

    /// A date SQLite holds as text: GRDB's `yyyy-MM-dd HH:mm:ss.SSS` (UTC) or ISO 8601.
    static func sqliteDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd HH:mm:ss.SSS", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX", "yyyy-MM-dd'T'HH:mm:ssXXXXX", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
