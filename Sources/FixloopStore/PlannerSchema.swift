import GRDB

/// The planner's tables (migration `planner.v1`): each plan run (patterns and decisions as JSON), the patterns
/// seen across runs, and the tickets filed with their remote references.
enum PlannerSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("planner.v1") { db in
            try db.create(table: "plan_run") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("created_at", .double).notNull()
                table.column("since", .double)
                table.column("until", .double).notNull()
                table.column("sink", .text).notNull()
                table.column("result", .text).notNull()
            }
            try db.create(table: "planner_pattern") { table in
                table.primaryKey("fingerprint", .text)
                table.column("name", .text).notNull()
                table.column("kind", .text).notNull()
                table.column("classification", .text).notNull()
                table.column("first_seen", .double).notNull()
                table.column("last_seen", .double).notNull()
                table.column("last_sessions", .integer).notNull()
                table.column("last_plan", .integer).notNull()
            }
            // One row per pattern and sink; `local` rows are the local tickets (`local:ID`).
            try db.create(table: "planner_ticket") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("sink", .text).notNull()
                table.column("fingerprint", .text).notNull()
                table.column("fingerprints", .text).notNull()
                table.column("reference", .text)
                table.column("remote_id", .text)
                table.column("url", .text)
                table.column("title", .text).notNull()
                table.column("body", .text).notNull()
                table.column("labels", .text).notNull()
                table.column("classification", .text).notNull()
                table.column("priority", .integer).notNull()
                table.column("sessions", .integer).notNull()
                table.column("reported", .text).notNull()
                table.column("repository", .text)
                table.column("updates", .text).notNull().defaults(to: "[]")
                table.column("created_at", .double).notNull()
                table.column("updated_at", .double).notNull()
                table.uniqueKey(["sink", "fingerprint"])
            }
        }
        // The ticket's pattern as data (``PatternEvidence`` as JSON), for the engineer; NULL for tickets filed before.
        migrator.registerMigration("planner.v2") { db in
            try db.alter(table: "planner_ticket") { table in table.add(column: "pattern", .text) }
        }
    }

    /// `planner.v3`: the one-ticket-per-pattern-and-sink key as a named index, as the shared schema describes it
    /// (the table's own `UNIQUE (sink, fingerprint)` stays; SQLite names that one itself).
    static func registerNamedKey(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("planner.v3") { db in
            try db.create(
                index: "planner_ticket_sink_fingerprint", on: "planner_ticket", columns: ["sink", "fingerprint"], unique: true)
        }
    }
}
