import Foundation
import GRDB

/// Migration `runs.v2`: the branch of each ticket, fixed when the ticket is first taken.
enum RunBranchSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("runs.v2") { db in
            try db.create(table: "ticket_branch") { table in
                table.column("repository", .text).notNull()
                table.column("ticket", .text).notNull()
                table.column("branch", .text).notNull()
                table.column("created_at", .double).notNull()
                table.primaryKey(["repository", "ticket"])
            }
        }
    }
}

extension SQLiteRunStore {
    /// The ticket's branch: the one stored when the ticket was first taken, else `proposed`, stored now. A ticket
    /// whose title changes keeps its branch, so a rerun updates its pull request instead of opening another.
    /// - Parameters:
    ///   - ticket: the ticket key (`gh:o/r#12`, `linear:ENG-42`, …).
    ///   - repository: where the branch lives (`OWNER/NAME`, or the remote's URL).
    ///   - proposed: the name for a ticket taken for the first time.
    public func branch(ticket: String, repository: String, proposed: String) throws -> String {
        do {
            return try database.pool.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO ticket_branch (repository, ticket, branch, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [repository, ticket, proposed, Date().timeIntervalSince1970])
                return try String.fetchOne(db, sql: "SELECT branch FROM ticket_branch WHERE repository = ? AND ticket = ?",
                                           arguments: [repository, ticket]) ?? proposed
            }
        } catch let error as DatabaseError {
            throw StoreError(operation: "write", path: database.pool.path, resultCode: error.resultCode.rawValue)
        }
    }
}
