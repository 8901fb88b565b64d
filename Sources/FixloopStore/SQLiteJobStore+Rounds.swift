import FixloopCore
import Foundation
import GRDB

extension SQLiteJobStore {
    /// Revision rounds asked for (queued, running or ended, not cancelled): of one pull request when `ticket` is
    /// given, else of every pull request; since `since` when given.
    public func revisionRounds(ticket: String?, since: Date?) async throws -> Int {
        try await database.pool.read { db in
            var sql = "SELECT COUNT(*) FROM job WHERE kind IN ('revision', 'ci', 'rebase') AND state != 'cancelled'"
            var arguments: StatementArguments = []
            if let ticket {
                sql += " AND ticket = ?"
                arguments += [ticket]
            }
            if let since {
                sql += " AND created_at >= ?"
                arguments += [since.timeIntervalSince1970]
            }
            return try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
        }
    }

    /// Queues the round folded into job `id` (a round asked for while it ran), when the pull request has rounds left.
    static func queueFollowUp(of id: Int64, db: Database, now: Date) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ? AND kind IN ('revision', 'ci', 'rebase') AND follow_up = 1", arguments: [id]) else { return }
        let ticket: String = row["ticket"]
        let used = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job WHERE kind IN ('revision', 'ci', 'rebase') AND state != 'cancelled' AND ticket = ?",
                                    arguments: [ticket]) ?? 0
        guard used < (row["max_rounds"] as Int? ?? 3) else { return }
        try db.execute(sql: """
            INSERT INTO job (ticket, repository, trigger, state, attempts, max_attempts, created_at, updated_at, installation_id, kind, max_rounds)
            VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, 'revision', ?)
            """, arguments: [ticket, row["repository"] as String, "comments during job \(id)", row["max_attempts"] as Int,
                             now.timeIntervalSince1970, now.timeIntervalSince1970, row["installation_id"] as Int?, row["max_rounds"] as Int?])
    }
}
