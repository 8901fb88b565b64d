import GRDB

/// Migration `healing.v1`: each fixed ticket's life after its pull request (merge, deploy, verdict), and the merges
/// learnt from webhooks, the GitHub API and local remotes, keyed by pull request.
enum HealingSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("healing.v1") { db in
            try db.create(table: "pr_merge") { table in
                table.primaryKey("pull_request", .text)
                table.column("merge_commit", .text)
                table.column("merged_at", .double).notNull()
                table.column("source", .text).notNull()
                table.column("recorded_at", .double).notNull()
            }
            try db.create(table: "fix_life") { table in
                table.primaryKey("ticket", .text)
                table.column("fingerprint", .text).notNull()
                table.column("repository", .text)
                table.column("branch", .text)
                table.column("pull_request", .text)
                table.column("deployed_at", .double)
                table.column("deploy_stated", .boolean).notNull().defaults(to: false)
                table.column("verdict", .text)
                table.column("measurement", .text)
                table.column("announced", .text)
                table.column("reopened_at", .double)
                table.column("updated_at", .double).notNull()
            }
        }
    }
}
