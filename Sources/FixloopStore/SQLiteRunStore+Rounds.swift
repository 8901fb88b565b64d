import FixloopCore
import Foundation
import GRDB

/// Migration `runs.v3`: what a run was (`fix` or `revision`) and, for a revision round, its pull request.
enum RunKindSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("runs.v3") { db in
            try db.alter(table: "fix_run") { table in
                table.add(column: "kind", .text).notNull().defaults(to: RunKind.fix.rawValue)
                table.add(column: "pull_request", .text)
            }
            try db.create(index: "fix_run_pull_request", on: "fix_run", columns: ["pull_request", "started_at"])
        }
    }
}

extension SQLiteRunStore {
    /// The revision rounds of one pull request (`gh:OWNER/NAME#N`), oldest first.
    public func rounds(pullRequest: String) throws -> [RunRecord] {
        try database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fix_run WHERE pull_request = ? AND kind = 'revision' ORDER BY started_at",
                             arguments: [pullRequest]).map(Self.record)
        }
    }
}

extension SQLiteRunStore {
    /// How many revision rounds started at or after `since` (the daily limit across the installation).
    public func roundCount(since: Date) throws -> Int {
        try database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fix_run WHERE kind = 'revision' AND started_at >= ?",
                             arguments: [since.timeIntervalSince1970]) ?? 0
        }
    }
}
