import FixloopCore
import Foundation
import Logging
import PostgresNIO

/// The spend ledger in PostgreSQL, shared by every process on every machine: finished calls in `model_call`, the
/// worst case of calls in flight in `ledger_hold`.
///
/// ``reserve(_:checks:)`` is one transaction that first takes `pg_advisory_xact_lock` on every budget scope it checks
/// (in a fixed order, so two reservers never deadlock), then sums recorded spend plus live holds and inserts the hold:
/// two connections checking the same budget go one after the other, and the second counts the first's hold. Holds
/// expire at their own `expiresAt` (the reserving process's clock, 15 minutes after the check by default), so keep
/// the machines' clocks within minutes of each other; expired holds are not counted and are deleted as reservers pass.
public struct PostgresLedgerStore: LedgerStore {
    public let store: PostgresStore

    /// The ledger in `store`'s database (migration `ledger.v1`).
    public init(store: PostgresStore) { self.store = store }

    /// The first key of the per-scope advisory locks (the second is `hashtext` of the scope).
    static let scopeLockClass: Int32 = 0x7370_6e64 // "spnd"

    public func record(_ entry: LedgerEntry) async throws {
        try await store.withConnection { connection, logger in try await Self.insert(entry, connection, logger) }
    }

    public func totals(for scope: LedgerScope) async throws -> (costUSD: Double, tokens: Int) {
        let (column, value) = Self.filter(scope)
        return try await store.withConnection { connection, logger in
            var totals = (costUSD: 0.0, tokens: 0)
            for try await (cost, tokens) in try await connection.query("""
                SELECT COALESCE(SUM(cost_usd), 0)::double precision,
                       COALESCE(SUM(input_tokens + output_tokens + cached_tokens + cache_write_tokens), 0)::bigint
                FROM model_call WHERE \(unescaped: column) = \(value)
                """, logger: logger).decode((Double, Int).self) {
                totals = (cost, tokens)
            }
            return totals
        }
    }

    public func summary(since date: Date, until: Date?, by grouping: LedgerGrouping) async throws -> [LedgerSummary] {
        let column: String
        switch grouping {
        case .run: column = "run_id"
        case .ticket: column = "ticket_id"
        case .repo: column = "repository"
        case .day: column = "day"
        case .model: column = "model"
        }
        return try await store.withConnection { connection, logger in
            var lines: [LedgerSummary] = []
            let rows = try await connection.query("""
                SELECT COALESCE(\(unescaped: column), '-') AS key, COUNT(*)::bigint, SUM(input_tokens)::bigint, SUM(output_tokens)::bigint,
                       SUM(cached_tokens)::bigint, SUM(cache_write_tokens)::bigint, COALESCE(SUM(cost_usd), 0)::double precision AS cost,
                       COUNT(*) FILTER (WHERE cost_usd IS NULL)::bigint
                FROM model_call WHERE finished_at >= \(date) AND (\(until)::timestamptz IS NULL OR finished_at < \(until))
                GROUP BY 1 ORDER BY cost DESC, key
                """, logger: logger)
            for try await (key, calls, input, output, cached, cacheWrite, cost, unpriced)
                in rows.decode((String, Int, Int, Int, Int, Int, Double, Int).self) {
                lines.append(LedgerSummary(
                    key: key, calls: calls,
                    usage: TokenUsage(inputTokens: input, outputTokens: output, cachedInputTokens: cached, cacheWriteInputTokens: cacheWrite),
                    costUSD: cost, unpricedCalls: unpriced))
            }
            return lines
        }
    }

    public func reserve(_ hold: LedgerHold, checks: [BudgetCheck]) async throws -> ReserveResult {
        try await store.withTransaction { connection, logger in
            for key in Set(checks.map { Self.lockKey($0.scope) }).sorted() {
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.scopeLockClass), hashtext(\(key)))", logger: logger)
            }
            for check in checks {
                let spent = try await Self.spent(check, at: hold.madeAt, connection, logger)
                if spent + hold.amount(in: check.measure) > check.limit {
                    return .exceeded(check, spent: spent)
                }
            }
            try await connection.query("""
                INSERT INTO ledger_hold (id, run_id, ticket_id, repository, day, cost_usd, tokens, made_at, expires_at)
                VALUES (\(hold.id.uuidString), \(hold.attribution.runID), \(hold.attribution.ticketID), \(hold.attribution.repository),
                        \(hold.day), \(hold.costUSD), \(hold.tokens), \(hold.madeAt), \(hold.expiresAt))
                """, logger: logger)
            // Expired holds of killed processes: deleted when no one else is deleting them (no waiting, no deadlock).
            try await connection.query("""
                DELETE FROM ledger_hold WHERE id IN (
                    SELECT id FROM ledger_hold WHERE expires_at <= \(hold.madeAt) FOR UPDATE SKIP LOCKED)
                """, logger: logger)
            return .held
        }
    }

    public func settle(_ holdID: UUID, recording entry: LedgerEntry) async throws {
        try await store.withTransaction { connection, logger in
            try await Self.insert(entry, connection, logger)
            try await connection.query("DELETE FROM ledger_hold WHERE id = \(holdID.uuidString)", logger: logger)
        }
    }

    public func release(_ holdID: UUID) async throws {
        try await store.withConnection { connection, logger in
            try await connection.query("DELETE FROM ledger_hold WHERE id = \(holdID.uuidString)", logger: logger)
        }
    }

    private static func insert(_ entry: LedgerEntry, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let usage = entry.usage
        try await connection.query("""
            INSERT INTO model_call (finished_at, day, run_id, ticket_id, repository, model, input_tokens, output_tokens, cached_tokens,
                cache_write_tokens, cost_usd, latency_ms)
            VALUES (\(entry.date), \(entry.day), \(entry.attribution.runID), \(entry.attribution.ticketID), \(entry.attribution.repository),
                    \(entry.model), \(usage.inputTokens), \(usage.outputTokens), \(usage.cachedInputTokens), \(usage.cacheWriteInputTokens),
                    \(entry.costUSD), \(entry.latencyMilliseconds))
            """, logger: logger)
    }

    /// Recorded spend plus holds live at `date`, of `check`'s scope, in its measure.
    private static func spent(_ check: BudgetCheck, at date: Date, _ connection: PostgresConnection, _ logger: Logger) async throws -> Double {
        let (column, value) = filter(check.scope)
        let recorded = check.measure == .tokens ? "input_tokens + output_tokens + cached_tokens + cache_write_tokens" : "cost_usd"
        let held = check.measure == .tokens ? "tokens" : "cost_usd"
        var spent = 0.0
        for try await total in try await connection.query("""
            SELECT (SELECT COALESCE(SUM(\(unescaped: recorded)), 0) FROM model_call WHERE \(unescaped: column) = \(value))::double precision
                 + (SELECT COALESCE(SUM(\(unescaped: held)), 0) FROM ledger_hold
                    WHERE \(unescaped: column) = \(value) AND expires_at > \(date))::double precision
            """, logger: logger).decode(Double.self) {
            spent = total
        }
        return spent
    }

    private static func filter(_ scope: LedgerScope) -> (String, String) {
        switch scope {
        case .run(let id): return ("run_id", id)
        case .ticket(let id): return ("ticket_id", id)
        case .day(let day): return ("day", day)
        }
    }

    private static func lockKey(_ scope: LedgerScope) -> String {
        let (column, value) = filter(scope)
        return "\(column):\(value)"
    }
}
