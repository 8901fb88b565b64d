import GRDB

/// Migrations `jobs.v1` (the PR bot's queue and the webhook deliveries already seen) and `jobs.v2` (the triggers
/// already seen, by what they are rather than by their unsigned delivery id) and `jobs.v3` (the text after `/fixloop fix`) and
/// `jobs.requester` (the GitHub login of who asked) and `jobs.v4` (a job's kind, a folded follow-up round, the rounds allowed).
enum JobSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("jobs.v1") { db in
            try db.create(table: "job") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("ticket", .text).notNull()
                table.column("repository", .text).notNull()
                table.column("trigger", .text).notNull()
                table.column("state", .text).notNull()
                table.column("attempts", .integer).notNull()
                table.column("max_attempts", .integer).notNull()
                table.column("lease_owner", .text)
                table.column("lease_expires_at", .double)
                table.column("created_at", .double).notNull()
                table.column("updated_at", .double).notNull()
                table.column("finished_at", .double)
                table.column("stage", .text)
                table.column("summary", .text)
                table.column("pr_url", .text)
                table.column("cost_usd", .double).notNull().defaults(to: 0)
                table.column("installation_id", .integer)
                table.column("progress_comment_id", .integer)
            }
            // At most one queued or running job per ticket, whatever races the webhooks run.
            try db.execute(sql: "CREATE UNIQUE INDEX job_active_ticket ON job(ticket) WHERE state IN ('queued', 'running')")
            try db.create(index: "job_state", on: "job", columns: ["state", "id"])
            try db.create(table: "webhook_delivery") { table in
                table.primaryKey("id", .text)
                table.column("received_at", .double).notNull()
            }
        }
        migrator.registerMigration("jobs.v2") { db in
            // Kept for good: a trigger is a person's action, rare, and a replay of an old one must never run again.
            try db.create(table: "webhook_trigger") { table in
                table.primaryKey("key", .text)
                table.column("delivery", .text).notNull()
                table.column("received_at", .double).notNull()
            }
        }
        migrator.registerMigration("jobs.v3") { db in
            try db.alter(table: "job") { table in table.add(column: "request_text", .text) }
        }
        // Named, not numbered: the revision rounds add their own job migrations beside it.
        migrator.registerMigration("jobs.requester") { db in
            try db.alter(table: "job") { table in table.add(column: "requester", .text) }
        }
        // A job's kind (a fix, or a revision round on a pull request), and for rounds: a round asked for while one
        // runs (folded into the next, `follow_up`), and the rounds the pull request may have (`max_rounds`).
        migrator.registerMigration("jobs.v4") { db in
            try db.alter(table: "job") { table in
                table.add(column: "kind", .text).notNull().defaults(to: "fix")
                table.add(column: "follow_up", .integer).notNull().defaults(to: 0)
                table.add(column: "max_rounds", .integer)
            }
        }
        // When a queued job becomes due (`claim` skips it before): a CI round whose checks were still running is put
        // back with `not_before` = now + the poll interval instead of holding a worker. NULL: due at once.
        migrator.registerMigration("jobs.v5") { db in
            try db.alter(table: "job") { table in table.add(column: "not_before", .double) }
        }
    }
}
