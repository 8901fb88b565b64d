import FixloopCore
import Foundation
import GRDB

/// Migration `runs.v3`: what a run was (`fix`, or a round: `revision`, `ci`, `rebase` — text, so a new kind needs no
/// migration) and, for a round, its pull request.
enum RunKindSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("runs.v3") { db in
            try db.alter(table: "fix_run") { table in
                table.add(column: "kind", .text).notNull().defaults(to: RunKind.fix.rawValue)
                table.add(column: "pull_request", .text)
            }
            try db.create(index: "fix_run_pull_request", on: "fix_run", columns: ["pull_request", "started_at"])
        }
        // The PR bot's job that ran a round (NULL: the command line), so `fixloop revise` rounds count toward
        // `[serve] max_rounds` without counting a job's own run twice.
        migrator.registerMigration("runs.v4") { db in
            try db.alter(table: "fix_run") { table in table.add(column: "job_id", .integer) }
        }
    }
}

extension SQLiteRunStore {
    /// The rounds of one pull request (`gh:OWNER/NAME#N`) — review, CI and rebase rounds, every run that is not a fix —,
    /// oldest first.
    public func rounds(pullRequest: String) throws -> [RunRecord] {
        try database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fix_run WHERE pull_request = ? AND kind != 'fix' ORDER BY started_at",
                             arguments: [pullRequest]).map(Self.record)
        }
    }
}

extension SQLiteRunStore {
    /// How many rounds (every kind but `fix`) started at or after `since`.
    public func roundCount(since: Date) throws -> Int {
        try database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fix_run WHERE kind != 'fix' AND started_at >= ?",
                             arguments: [since.timeIntervalSince1970]) ?? 0
        }
    }
}

extension SQLiteRunStore: ManualRoundCounter {
    public func manualRounds(pullRequest: String?, since: Date?) throws -> Int {
        try database.pool.read { db in
            var sql = "SELECT COUNT(*) FROM fix_run WHERE kind != 'fix' AND job_id IS NULL AND status != 'error'"
            var arguments: StatementArguments = []
            if let pullRequest {
                sql += " AND pull_request = ?"
                arguments += [pullRequest]
            }
            if let since {
                sql += " AND started_at >= ?"
                arguments += [since.timeIntervalSince1970]
            }
            return try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
        }
    }
}

extension SQLiteRunStore: RunHistory {}
