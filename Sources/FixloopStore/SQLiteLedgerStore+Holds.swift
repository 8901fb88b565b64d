import FixloopCore
import Foundation
import GRDB

/// The holds of calls in flight (`ledger_hold`), checked and stored in one `IMMEDIATE` transaction: SQLite lets one
/// writer in at a time across every process on the file, so two processes' checks of a budget cannot both pass on
/// the same total.
extension SQLiteLedgerStore {
    public func reserve(_ hold: LedgerHold, checks: [BudgetCheck]) async throws -> ReserveResult {
        try await wrap("reserve") {
            try await immediateWrite { db in
                try db.execute(sql: "DELETE FROM ledger_hold WHERE expires_at <= ?", arguments: [hold.madeAt.timeIntervalSince1970])
                for check in checks {
                    let spent = try Self.recorded(check, db) + Self.held(check, db)
                    if spent + hold.amount(in: check.measure) > check.limit {
                        return .exceeded(check, spent: spent)
                    }
                }
                try db.execute(
                    sql: """
                        INSERT INTO ledger_hold (id, run_id, ticket_id, repository, day, cost_usd, tokens, made_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        hold.id.uuidString, hold.attribution.runID, hold.attribution.ticketID, hold.attribution.repository, hold.day,
                        hold.costUSD, hold.tokens, hold.madeAt.timeIntervalSince1970, hold.expiresAt.timeIntervalSince1970,
                    ])
                return .held
            }
        }
    }

    public func settle(_ holdID: UUID, recording entry: LedgerEntry) async throws {
        try await wrap("record") {
            try await immediateWrite { db in
                try Self.insert(entry, db)
                try db.execute(sql: "DELETE FROM ledger_hold WHERE id = ?", arguments: [holdID.uuidString])
            }
        }
    }

    public func release(_ holdID: UUID) async throws {
        try await wrap("release") {
            try await immediateWrite { db in
                try db.execute(sql: "DELETE FROM ledger_hold WHERE id = ?", arguments: [holdID.uuidString])
            }
        }
    }

    /// The holds counted now (not expired at `date`), for reports and tests.
    public func liveHolds(at date: Date) async throws -> Int {
        try await wrap("read") {
            try await database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_hold WHERE expires_at > ?", arguments: [date.timeIntervalSince1970]) ?? 0
            }
        }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken before the first read.
    private func immediateWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    private static func filter(_ scope: LedgerScope) -> (String, String) {
        switch scope {
        case .run(let id): return ("run_id", id)
        case .ticket(let id): return ("ticket_id", id)
        case .day(let day): return ("day", day)
        }
    }

    private static func recorded(_ check: BudgetCheck, _ db: Database) throws -> Double {
        let (column, value) = filter(check.scope)
        let sum = check.measure == .tokens
            ? "SUM(input_tokens + output_tokens + cached_tokens + cache_write_tokens)" : "SUM(cost_usd)"
        return try Double.fetchOne(db, sql: "SELECT COALESCE(\(sum), 0) FROM model_call WHERE \(column) = ?", arguments: [value]) ?? 0
    }

    private static func held(_ check: BudgetCheck, _ db: Database) throws -> Double {
        let (column, value) = filter(check.scope)
        let sum = check.measure == .tokens ? "SUM(tokens)" : "SUM(cost_usd)"
        return try Double.fetchOne(db, sql: "SELECT COALESCE(\(sum), 0) FROM ledger_hold WHERE \(column) = ?", arguments: [value]) ?? 0
    }

    /// The `ledger_hold` table: one row per call in flight, whichever process made it.
    static func registerHolds(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ledger.v3") { db in
            try db.create(table: "ledger_hold") { table in
                table.primaryKey("id", .text)
                table.column("run_id", .text).notNull()
                table.column("ticket_id", .text)
                table.column("repository", .text)
                table.column("day", .text).notNull()
                table.column("cost_usd", .double).notNull()
                table.column("tokens", .integer).notNull()
                table.column("made_at", .double).notNull()
                table.column("expires_at", .double).notNull()
            }
            try db.create(index: "ledger_hold_run", on: "ledger_hold", columns: ["run_id"])
            try db.create(index: "ledger_hold_ticket", on: "ledger_hold", columns: ["ticket_id"])
            try db.create(index: "ledger_hold_day", on: "ledger_hold", columns: ["day"])
            try db.create(index: "ledger_hold_expiry", on: "ledger_hold", columns: ["expires_at"])
        }
    }
}
