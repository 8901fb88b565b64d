@testable import FixloopCLI
import FixloopCore
import FixloopTesting
import Foundation
import GRDB
import Testing

/// The whole loop of `fixloop demo` with `FIXLOOP_DATABASE_URL` naming PostgreSQL: every layer's data — the scorer's
/// events, sessions and scores, the planner's plan and ticket, the engineer's run, the spend ledger, the healing
/// loop's merge and the fix's life — goes to the database, the state directory's SQLite file keeps none of it, and
/// the verdict is the one the SQLite demo reaches.
@Suite(.serialized, .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct DemoPostgresTests {
    @Test func theDemoRunsItsWholeLoopOnPostgreSQL() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        try await withTemporaryDirectory("fixloop-demo-pg") { root in
            let work = root.appendingPathComponent("work")
            let (status, text) = await DemoTests.run(
                ["demo", "--work", work.path, "--examples", DemoTests.examples.path],
                environment: ["HOME": root.path, "PATH": "/usr/bin:/bin", "FIXLOOP_DATABASE_URL": cluster.url(database: database)])
            #expect(status == 0, "\(text)")
            #expect(text.contains("verdict: healed"), "\(text)")
            #expect(text.contains("41 in the 7.0 days before, 0 after"), "\(text)")
            // The review reads the same store: both weeks' scores, the plan's patterns, the run and the measured fix.
            #expect(text.contains("review of 480 sessions, 2 patterns, 1 fixes, 1 deployed and measured"), "\(text)")

            let count = { (table: String) throws -> Int in
                Int(try cluster.psql(database: database, "SELECT count(*) FROM \(table)").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            }
            // The two bundled weeks' events and sessions, every session graded, one plan, one ticket, one fix run.
            #expect(try count("analytics_event") == 6_389)
            #expect(try count("analytics_session") == 480 && count("session_score") == 480)
            #expect(try count("plan_run") == 1 && count("planner_ticket") == 1 && count("fix_run") == 1)
            #expect(try count("model_call") > 480, "every grade and the engineer's turns are in the shared ledger")
            #expect(try count("pr_merge") == 1 && count("fix_life") == 1)
            let verdict = try cluster.psql(database: database, "SELECT verdict FROM fix_life").trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(verdict == "healed")

            // The machine's SQLite file holds none of it.
            let sqlite = try DatabaseQueue(path: work.appendingPathComponent("state/fixloop.sqlite").path)
            for table in ["analytics_event", "session_score", "planner_ticket", "fix_run", "model_call", "fix_life"] {
                let rows = try await sqlite.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") }
                #expect(rows == 0, "\(table)")
            }
        }
    }
}
