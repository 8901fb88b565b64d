import FixloopCore
import Foundation
import GRDB

extension FixloopDatabase {
    /// Every row of `table`, `columns` in that order, as JSON values (`.integer`, `.number`, `.string`, `.null`):
    /// what `fixloop migrate --from sqlite:PATH` copies. A table the file does not have yet gives no rows.
    /// - Throws: ``StoreError`` when the file cannot be read.
    public func rows(of table: String, columns: [String]) throws -> [[JSONValue]] {
        do {
            return try pool.read { db in
                guard try db.tableExists(table) else { return [] }
                let present = Set(try db.columns(in: table).map(\.name))
                let list = columns.map { present.contains($0) ? "\"\($0)\"" : "NULL" }.joined(separator: ", ")
                return try Row.fetchAll(db, sql: "SELECT \(list) FROM \"\(table)\" ORDER BY rowid").map { row in
                    (0..<columns.count).map { index -> JSONValue in
                        switch row[index] as DatabaseValue? {
                        case .none: return .null
                        case .some(let value):
                            switch value.storage {
                            case .null: return .null
                            case .int64(let number): return .integer(Int(number))
                            case .double(let number): return .number(number)
                            case .string(let text): return .string(text)
                            case .blob(let data): return .string(String(decoding: data, as: UTF8.self))
                            }
                        }
                    }
                }
            }
        } catch let error as DatabaseError {
            throw StoreError(operation: "read", path: pool.path, resultCode: error.resultCode.rawValue)
        }
    }
}
