import FixloopCore
import Foundation
import GRDB

extension FixloopDatabase {
    /// At most `limit` rows of `table` whose rowid is past `afterRowID`, in rowid order, `columns` in that order, as
    /// JSON values (`.integer`, `.number`, `.string`, `.null`; a column the file lacks reads as null): what `fixloop
    /// migrate --from sqlite:PATH` copies, one chunk at a time, so a table of millions of events is never all in memory.
    /// - Returns: the rows and the last one's rowid (pass it back for the next chunk); nil when none are left or the
    ///   file has no such table.
    /// - Throws: ``StoreError`` when the file cannot be read.
    public func rows(of table: String, columns: [String], afterRowID: Int64, limit: Int) throws -> (rows: [[JSONValue]], lastRowID: Int64)? {
        do {
            return try pool.read { db in
                guard try db.tableExists(table) else { return nil }
                let present = Set(try db.columns(in: table).map(\.name))
                let list = columns.map { present.contains($0) ? "\"\($0)\"" : "NULL" }.joined(separator: ", ")
                let fetched = try Row.fetchAll(
                    db, sql: "SELECT rowid, \(list) FROM \"\(table)\" WHERE rowid > ? ORDER BY rowid LIMIT ?", arguments: [afterRowID, limit])
                guard let last = fetched.last else { return nil }
                let rows = fetched.map { row in
                    (1...columns.count).map { index -> JSONValue in
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
                return (rows, last[0] as Int64)
            }
        } catch let error as DatabaseError {
            throw StoreError(operation: "read", path: pool.path, resultCode: error.resultCode.rawValue)
        }
    }
}
