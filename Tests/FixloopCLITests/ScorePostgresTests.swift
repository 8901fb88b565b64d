import FixloopCore
import FixloopExportGenerator
import FixloopTesting
import Foundation
import GRDB
import Testing

@testable import FixloopCLI

/// `fixloop score` and `fixloop sessions` with `FIXLOOP_DATABASE_URL` naming PostgreSQL: the events, sessions and
/// scores go to the database (the state directory's SQLite file holds none of them), `sessions` reads them back, and
/// a rerun stores nothing new.
@Suite(.serialized, .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct ScorePostgresTests {
    @Test func scoringIntoPostgreSQLIsReadBackBySessionsAndARerunStoresNothingNew() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        try await withTemporaryDirectory("fixloop-score-pg") { root in
            var options = PostHogExportGenerator.Options()
            options.sessions = 10
            options.sessionlessRate = 0.2
            let url = root.appendingPathComponent("export.jsonl")
            let manifest = try PostHogExportGenerator(options: options).write(to: url)
            let events = manifest.reduce(0) { $0 + $1.eventCount }
            let environment = [
                "FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path,
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                "FIXLOOP_DATABASE_URL": cluster.url(database: database),
            ]
            let first = await runFixloopSeparately(["score", "--import", url.path, "--model", "none", "--json"], environment: environment)
            #expect(first.status == 0, "\(first.errors)")
            let counts = try #require(try Self.json(first.output)["import"] as? [String: Any])
            #expect(counts["stored"] as? Int == events && counts["already_stored"] as? Int == 0, "\(first.output)")

            // The database has them (psql as the witness); the machine's SQLite file has none.
            let witness = { (sql: String) throws -> String in
                try cluster.psql(database: database, sql).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(try witness("SELECT count(*) FROM analytics_event") == "\(events)")
            let scored = try witness("SELECT count(*) FROM session_score")
            #expect(Int(scored) ?? 0 >= manifest.count, "\(scored) scores for \(manifest.count) sessions")
            #expect(try witness("SELECT count(*) FROM session_timeline") == scored)
            let local = try DatabaseQueue(path: root.appendingPathComponent("state/fixloop.sqlite").path)
            #expect(try await local.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM session_score") } == 0)
            #expect(try await local.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM analytics_event") } == 0)

            let list = await runFixloopSeparately(["sessions", "list", "--json"], environment: environment)
            #expect(list.status == 0, "\(list.errors)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [[String: Any]])
            #expect("\(rows.count)" == scored)
            let worst = try #require(rows.first?["session_id"] as? String)
            let show = await runFixloopSeparately(["sessions", "show", String(worst.prefix(12))], environment: environment)
            #expect(show.status == 0 && show.output.contains("score ") && show.output.contains("rubric"), "\(show.output) \(show.errors)")

            let again = await runFixloopSeparately(["score", "--import", url.path, "--model", "none", "--json"], environment: environment)
            #expect(again.status == 0, "\(again.errors)")
            let rerun = try #require(try Self.json(again.output)["import"] as? [String: Any])
            #expect(rerun["stored"] as? Int == 0 && rerun["already_stored"] as? Int == events, "\(again.output)")
            #expect(try witness("SELECT count(*) FROM analytics_event") == "\(events)")
            #expect(try witness("SELECT count(*) FROM session_score") == scored)
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
