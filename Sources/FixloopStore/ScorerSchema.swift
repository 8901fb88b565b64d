import GRDB

/// The scorer's tables (migration `scorer.v1`): events, sessions, timelines and scores.
///
/// Times are seconds since 1970 (`REAL`). Events are keyed by their source id, so a re-import adds nothing;
/// sessions and scores are indexed by start time for the planner's weekly read.
enum ScorerSchema {
    /// Registers `scorer.v1` after the ledger's migrations.
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("scorer.v1") { db in
            try db.create(table: "analytics_event") { table in
                table.primaryKey("id", .text)
                table.column("name", .text).notNull()
                table.column("distinct_id", .text).notNull()
                table.column("session_id", .text)
                table.column("timestamp", .double).notNull()
                table.column("properties", .text).notNull()
                table.column("elements_chain", .text)
                table.column("source", .text).notNull()
            }
            try db.create(index: "analytics_event_time", on: "analytics_event", columns: ["timestamp"])
            // The session reader streams events grouped by session (or by user when there is none).
            try db.create(index: "analytics_event_session", on: "analytics_event", columns: ["session_id"])
            try db.create(
                index: "analytics_event_sessionless", on: "analytics_event", columns: ["distinct_id"],
                condition: Column("session_id") == nil)
            try db.create(table: "analytics_session") { table in
                table.primaryKey("id", .text)
                table.column("start", .double).notNull()
                table.column("end", .double).notNull()
                table.column("event_count", .integer).notNull()
                table.column("source", .text).notNull()
                table.column("has_source_id", .boolean).notNull()
            }
            try db.create(index: "analytics_session_start", on: "analytics_session", columns: ["start"])
            try db.create(table: "session_timeline") { table in
                table.primaryKey("session_id", .text)
                table.column("content_hash", .text).notNull()
                table.column("text", .text).notNull()
            }
            try db.create(table: "session_score") { table in
                table.primaryKey("session_id", .text)
                table.column("start", .double).notNull()
                table.column("score", .integer).notNull()
                table.column("rubric_score", .integer).notNull()
                table.column("rubric", .text).notNull()
                table.column("model_grade", .text)
                table.column("model", .text)
                table.column("prompt_hash", .text)
                table.column("timeline_hash", .text).notNull()
                table.column("cost_usd", .double).notNull()
                table.column("blurb", .text).notNull()
                table.column("graded_at", .double).notNull()
            }
            try db.create(index: "session_score_start", on: "session_score", columns: ["start"])
            try db.create(index: "session_score_score", on: "session_score", columns: ["score", "session_id"])
        }
        // What the planner reads besides the score: hashed user, routes, exceptions with frames, clicks, goal.
        migrator.registerMigration("scorer.v2") { db in
            try db.create(table: "session_facts") { table in
                table.primaryKey("session_id", .text)
                table.column("user_hash", .text).notNull()
                table.column("facts", .text).notNull()
            }
        }
    }

    /// `scorer.v3`, registered after the planner's and the jobs' migrations: the session context PostHog's SDKs
    /// repeat on every event (``EventContext``) is kept once in `analytics_event_context`, and each event points
    /// at it from `context_id` and keeps only its own properties. Events stored before keep every property and no
    /// context. `analytics_event_with_properties` shows every event with all its properties as one object. The
    /// time index on events, which no query used, is dropped.
    static func registerEventContext(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("scorer.v3") { db in
            // Appended in id order, so contexts are written at the end of the table as their sessions come. Both
            // halves are objects written by the importer as `{…}` with no space around: the view joins their text.
            try db.create(table: "analytics_event_context") { table in
                table.column("id", .integer).primaryKey()
                table.column("properties", .text).notNull()
            }
            try db.alter(table: "analytics_event") { table in table.add(column: "context_id", .integer) }
            // No query reads events by time alone: the session reader walks the session index (and the
            // sessionless one) and filters by time as it goes. The index only cost every insert.
            try db.drop(index: "analytics_event_time")
            try db.execute(sql: """
                CREATE VIEW analytics_event_with_properties AS
                SELECT e.id, e.name, e.distinct_id, e.session_id, e.timestamp,
                       CASE WHEN c.properties IS NULL THEN e.properties
                            WHEN e.properties = '{}' THEN c.properties
                            ELSE substr(e.properties, 1, length(e.properties) - 1) || ',' || substr(c.properties, 2)
                       END AS properties,
                       e.elements_chain, e.source
                FROM analytics_event e LEFT JOIN analytics_event_context c ON c.id = e.context_id
                """)
        }
    }

    /// `cursors.v1`: where each incremental import got to (`fixloop score --posthog`), written in the same
    /// transaction as the events of the page it follows.
    static func registerImportCursor(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("cursors.v1") { db in
            try db.create(table: "import_cursor") { table in
                table.column("source", .text).primaryKey()
                table.column("position", .text).notNull()
                table.column("updated_at", .double).notNull()
            }
        }
    }

    /// `import.v1` as it shipped: a second cursor table, `warehouse_cursor`, for `score --from postgres://…`. Kept
    /// registered (and unchanged) for the stores that ran it; `import.v2` moves its rows into `import_cursor` and
    /// drops it.
    static func registerWarehouseCursor(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("import.v1") { db in
            try db.create(table: "warehouse_cursor") { table in
                table.primaryKey("source", .text)
                table.column("timestamp_us", .integer).notNull()
                table.column("last_id", .text).notNull()
                table.column("updated_at", .double).notNull()
            }
        }
        // One cursor table: a warehouse's position is `<timestamp_us>|<uuid>` in `import_cursor`, under the same
        // source key (`postgres://user@host:port/db#table`), so a store that imported before resumes where it was.
        migrator.registerMigration("import.v2") { db in
            guard try db.tableExists("warehouse_cursor") else { return }
            try db.execute(sql: """
                INSERT OR IGNORE INTO import_cursor (source, position, updated_at)
                SELECT source, timestamp_us || '|' || last_id, updated_at FROM warehouse_cursor
                """)
            try db.drop(table: "warehouse_cursor")
        }
    }
}
