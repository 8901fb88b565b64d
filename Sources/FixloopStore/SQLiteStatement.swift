import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement used straight through SQLite's C API, for the analytics bulk paths: binding and reading
/// values without GRDB's per-value boxing. It lives inside one GRDB access (`read`/`write`) and is finalized
/// when released; errors are GRDB's `DatabaseError`, with SQLite's result code.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    /// The first failed bind since the last run: the run reports it rather than step with a stale value.
    private var bindFailure = SQLITE_OK

    /// Prepares `sql` on the connection of `db`.
    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE) }
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
        }
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            check(sqlite3_bind_null(handle, index))
            return
        }
        value.withUTF8 { text in
            check(sqlite3_bind_text(handle, index, text.baseAddress, Int32(text.count), Self.transient))
        }
    }

    func bind(_ index: Int32, _ value: Double) { check(sqlite3_bind_double(handle, index, value)) }

    func bind(_ index: Int32, _ value: Int64?) {
        guard let value else {
            check(sqlite3_bind_null(handle, index))
            return
        }
        check(sqlite3_bind_int64(handle, index, value))
    }

    /// Binds UTF-8 bytes as text without copying them: they must stay valid until the next ``run()``.
    func bind(_ index: Int32, unsafeUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            check(sqlite3_bind_text(handle, index, "", 0, Self.transient))
            return
        }
        check(sqlite3_bind_text(handle, index, base, Int32(bytes.count), nil))
    }

    private func check(_ code: Int32) {
        if code != SQLITE_OK, bindFailure == SQLITE_OK { bindFailure = code }
    }

    /// Runs a statement that returns no rows, then resets it for the next bindings.
    func run() throws {
        if bindFailure != SQLITE_OK {
            defer { bindFailure = SQLITE_OK }
            throw error(bindFailure)
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// Steps to the next row: `true` on a row, `false` at the end.
    func step() throws -> Bool {
        if bindFailure != SQLITE_OK { throw error(bindFailure) }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        guard code == SQLITE_DONE else { throw error(code) }
        return false
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
    }

    /// The column's bytes, valid until the next step.
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        let text = sqlite3_column_text(handle, column)
        return UnsafeBufferPointer(start: text, count: text == nil ? 0 : Int(sqlite3_column_bytes(handle, column)))
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
    }

    // SQLITE_TRANSIENT: SQLite copies the bytes before the bind returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
