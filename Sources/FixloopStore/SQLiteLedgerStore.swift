import FixloopCore
import Foundation
import GRDB

/// The spend ledger in SQLite: one row per model call (`model_call`), one per call in flight (`ledger_hold`).
public struct SQLiteLedgerStore: LedgerStore {
    let database: FixloopDatabase
    private var path: String { database.pool.path }

    /// Uses the `model_call` table of `database`.
    public init(database: FixloopDatabase) { self.database = database }

    public func record(_ entry: LedgerEntry) async throws {
        try await wrap("record") {
            try await database.pool.write { db in try Self.insert(entry, db) }
        }
    }

    static func insert(_ entry: LedgerEntry, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO model_call (finished_at, day, run_id, ticket_id, repository, model,
                    input_tokens, output_tokens, cached_tokens, cache_write_tokens, cost_usd, latency_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                entry.date.timeIntervalSince1970, entry.day, entry.attribution.runID, entry.attribution.ticketID,
                entry.attribution.repository, entry.model, entry.usage.inputTokens, entry.usage.outputTokens,
                entry.usage.cachedInputTokens, entry.usage.cacheWriteInputTokens, entry.costUSD, entry.latencyMilliseconds,
            ])
    }

    /// All model spend recorded, in US dollars (the PR bot's `/metrics`).
    public func totalCostUSD() async throws -> Double {
        try await wrap("read") {
            try await database.pool.read { db in try Double.fetchOne(db, sql: "SELECT COALESCE(SUM(cost_usd), 0) FROM model_call") ?? 0 }
        }
    }

    public func totals(for scope: LedgerScope) async throws -> (costUSD: Double, tokens: Int) {
        let (column, value): (String, String)
        switch scope {
        case .run(let id): (column, value) = ("run_id", id)
        case .ticket(let id): (column, value) = ("ticket_id", id)
        case .day(let day): (column, value) = ("day", day)
        }
        return try await wrap("read") {
            try await database.pool.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT COALESCE(SUM(cost_usd), 0) AS cost,
                               COALESCE(SUM(input_tokens + output_tokens + cached_tokens + cache_write_tokens), 0) AS tokens
                        FROM model_call WHERE \(column) = ?
                        """,
                    arguments: [value])
                return (row?["cost"] ?? 0.0, row?["tokens"] ?? 0)
            }
        }
    }

    /// The calls finished in `date..<until` (no end when nil), grouped, most expensive first.
    public func summary(since date: Date, until: Date?, by grouping: LedgerGrouping) async throws -> [LedgerSummary] {
        let column: String
        switch grouping {
        case .run: column = "run_id"
        case .ticket: column = "ticket_id"
        case .repo: column = "repository"
        case .day: column = "day"
        case .model: column = "model"
        }
        return try await wrap("read") {
            try await database.pool.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT COALESCE(\(column), '-') AS key, COUNT(*) AS calls,
                               SUM(input_tokens) AS input, SUM(output_tokens) AS output, SUM(cached_tokens) AS cached,
                               SUM(cache_write_tokens) AS cache_write,
                               COALESCE(SUM(cost_usd), 0) AS cost, SUM(cost_usd IS NULL) AS unpriced
                        FROM model_call WHERE finished_at >= ? AND finished_at < ?
                        GROUP BY key ORDER BY cost DESC, key
                        """,
                    arguments: [date.timeIntervalSince1970, until?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude])
                return rows.map { row in
                    LedgerSummary(
                        key: row["key"], calls: row["calls"],
                        usage: TokenUsage(
                            inputTokens: row["input"], outputTokens: row["output"], cachedInputTokens: row["cached"],
                            cacheWriteInputTokens: row["cache_write"]),
                        costUSD: row["cost"], unpricedCalls: row["unpriced"])
                }
            }
        }
    }

    func wrap<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw StoreError(operation: operation, path: path, resultCode: error.resultCode.rawValue)
        }
    }
}
