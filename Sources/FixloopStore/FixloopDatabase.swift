import CSQLiteConfig
import FixloopCore
import Foundation
import GRDB

/// The SQLite store: one file in WAL mode, opened with every migration applied.
///
/// Each adapter registers its own migrations in ``migrator``; identifiers are prefixed by area (`ledger.v1`,
/// `scorer.v1`).
public final class FixloopDatabase: Sendable {
    /// The GRDB pool (readers in parallel, one writer), for the stores built on it.
    public let pool: DatabasePool

    /// Opens (creating if needed) the database at `url` and migrates it.
    /// - Parameter url: the file, usually `StateDirectory.database`.
    /// - Throws: ``StoreError`` when the file cannot be opened or migrated.
    public init(url: URL) throws {
        _ = Self.sqliteConfigured
        do {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            // WAL with synchronous=NORMAL: a commit survives a killed process (the WAL is written before the
            // commit returns); only a power loss may drop the last commits. It spares an fsync per transaction.
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // 16 KiB pages (for a new file; an existing one keeps its own): analytics events are ~1.5 KiB each,
                // and bigger pages mean a quarter of the WAL frames, page writes and system calls of 4 KiB ones
                // (`fixloop bench ingest`: the import took 25 % less time).
                try db.execute(sql: "PRAGMA page_size = 16384")
            }
            pool = try DatabasePool(path: url.path, configuration: configuration)
            try Self.migrate(pool)
        } catch let error as DatabaseError {
            throw StoreError(operation: "open", path: url.path, resultCode: error.resultCode.rawValue)
        } catch let error as StoreError {
            throw error
        } catch {
            var failure = StoreError(operation: "open", path: url.path, resultCode: nil)
            failure.fileInTheWay = LocalFolders.fileInTheWay(to: url.deletingLastPathComponent())
            throw failure
        }
    }

    /// SQLite's process-wide settings, made once before the first connection: no memory statistics, whose global
    /// mutex every allocation took (`fixloop bench ingest` spent about 3 % of the storing thread in it).
    private static let sqliteConfigured: Bool = fixloop_sqlite_disable_memory_statistics() == SQLITE_OK

    /// Applies the migrations. Two processes opening a new file at once race: GRDB reads which migrations are applied
    /// before it takes the write lock, so the later one fails making a table the other just made (`SQLITE_ERROR`) or
    /// recording a migration the other just recorded (`SQLITE_CONSTRAINT`). Each migration is its own transaction (a
    /// failed one leaves nothing), so a failed attempt is retried on what is applied by then.
    static func migrate(_ pool: DatabasePool) throws {
        var attempt = 1
        while true {
            do {
                return try migrator.migrate(pool)
            } catch let error as DatabaseError
                where [.SQLITE_ERROR, .SQLITE_CONSTRAINT].contains(error.resultCode.primaryResultCode) && attempt < 10 {
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
                attempt += 1
            }
        }
    }

    /// Every migration of the store, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("ledger.v1") { db in
            try db.create(table: "model_call") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("finished_at", .double).notNull()
                table.column("day", .text).notNull()
                table.column("run_id", .text).notNull()
                table.column("ticket_id", .text)
                table.column("repository", .text)
                table.column("model", .text).notNull()
                table.column("input_tokens", .integer).notNull()
                table.column("output_tokens", .integer).notNull()
                table.column("cached_tokens", .integer).notNull()
                table.column("cost_usd", .double)
                table.column("latency_ms", .integer).notNull()
            }
            try db.create(index: "model_call_run", on: "model_call", columns: ["run_id"])
            try db.create(index: "model_call_ticket", on: "model_call", columns: ["ticket_id"])
            try db.create(index: "model_call_day", on: "model_call", columns: ["day"])
        }
        migrator.registerMigration("runs.v1") { db in
            try db.create(table: "fix_run") { table in
                table.primaryKey("id", .text)
                table.column("ticket", .text).notNull()
                table.column("repository", .text).notNull()
                table.column("status", .text).notNull()
                table.column("host", .text).notNull()
                table.column("pid", .integer).notNull()
                table.column("started_at", .double).notNull()
                table.column("finished_at", .double)
                table.column("branch", .text)
                table.column("pr_url", .text)
                table.column("reason", .text)
            }
            try db.create(index: "fix_run_ticket", on: "fix_run", columns: ["ticket", "started_at"])
        }
        ScorerSchema.register(in: &migrator)
        PlannerSchema.register(in: &migrator)
        JobSchema.register(in: &migrator)
        ScorerSchema.registerEventContext(in: &migrator)
        RunBranchSchema.register(in: &migrator)
        ScorerSchema.registerImportCursor(in: &migrator)
        RunKindSchema.register(in: &migrator)
        // Prompt-cache writes (Anthropic's `cache_creation_input_tokens`), billed apart from input.
        migrator.registerMigration("ledger.v2") { db in
            try db.alter(table: "model_call") { table in
                table.add(column: "cache_write_tokens", .integer).notNull().defaults(to: 0)
            }
        }
        HealingSchema.register(in: &migrator)
        // The scorer's grading batches, so a rerun collects what an earlier run submitted.
        SQLiteGradingBatchStore.register(in: &migrator)
        PullRequestStateSchema.register(in: &migrator)
        ScorerSchema.registerWarehouseCursor(in: &migrator)
        // The holds of calls in flight, so every process's check counts the others' calls.
        SQLiteLedgerStore.registerHolds(in: &migrator)
        PlannerSchema.registerNamedKey(in: &migrator)
        return migrator
    }

    /// The journal mode in force (`wal` once opened).
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}

extension FixloopDatabase {
    /// Runs `body`, turning SQLite and decoding failures into a ``StoreError`` that names `operation` and the file.
    func wrapErrors<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw StoreError(operation: operation, path: pool.path, resultCode: error.resultCode.rawValue)
        } catch is DecodingError {
            throw StoreError(operation: operation, path: pool.path, resultCode: nil)
        }
    }
}

/// A store operation that failed; it keeps SQLite's result code and never the data.
public struct StoreError: FixloopError, Equatable {
    /// What was being done (`open`, `record`, `read`).
    public let operation: String
    /// The database file.
    public let path: String
    /// SQLite's result code, when SQLite failed.
    public let resultCode: Int32?
    /// A file standing where the store's folder must be (`FIXLOOP_HOME` naming a file).
    public var fileInTheWay: String?

    /// Makes an error.
    public init(operation: String, path: String, resultCode: Int32?) {
        self.operation = operation
        self.path = path
        self.resultCode = resultCode
    }

    public var code: String {
        if fileInTheWay != nil { return "store.not_a_folder" }
        if resultCode.map({ $0 & 0xff }) == Self.notADatabase { return "store.not_a_database" }
        return "store.\(operation)_failed"
    }
    public var message: String {
        if let fileInTheWay {
            return "The store at \(path) cannot be made because \(fileInTheWay) is a file, not a folder; set FIXLOOP_HOME "
                + "(or --state-dir) to a folder."
        }
        if resultCode.map({ $0 & 0xff }) == Self.notADatabase {
            return "The store file \(path) is not a SQLite database; move it aside or set FIXLOOP_HOME (or --state-dir) "
                + "to another state directory."
        }
        let cause = resultCode.map { "SQLite result code \($0)" } ?? "an I/O error"
        return "The store at \(path) could not \(operation) (\(cause)); check that the state directory is writable and not full."
    }

    /// SQLite's `SQLITE_NOTADB`: the file is not a database (or is encrypted).
    static let notADatabase: Int32 = 26
}
