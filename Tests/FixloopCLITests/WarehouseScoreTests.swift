import FixloopCore
import FixloopExportGenerator
import FixloopTesting
import Foundation
import Testing

@testable import FixloopCLI

/// `fixloop score --from postgres://… --table events` and `[scorer] write_back` against the real PostgreSQL
/// server the tests start: PostHog-shaped rows in, `fixloop_session_scores` out.
@Suite(.serialized, .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct WarehouseScoreTests {
    static let grade = #"""
        {"score": 4, "intent": "buy a plant", "right_product": true, "went_right": ["found the product"],
         "went_wrong": ["the checkout failed"], "failures": [], "confidence": 0.9}
        """#

    /// A generated PostHog export loaded into a PostHog-shaped `events` table of a fresh database; the export file
    /// and the database's name.
    func warehouse(
        _ cluster: PostgresTestCluster, root: URL, sessions: Int, seed: UInt64 = 1, start: Date? = nil, database: String? = nil
    ) throws -> (URL, String) {
        var options = PostHogExportGenerator.Options()
        options.sessions = sessions
        options.seed = seed
        if let start { options.start = start }
        let file = root.appendingPathComponent("export-\(seed).jsonl")
        _ = try PostHogExportGenerator(options: options).write(to: file)
        let name = try database ?? cluster.makeDatabase()
        if database == nil { try cluster.psql(database: name, Self.eventsTable) }
        try load(file, into: name, cluster: cluster)
        return (file, name)
    }

    static let eventsTable = """
        CREATE TABLE events (
            uuid VARCHAR(200), event VARCHAR(200), properties JSONB, elements JSONB, "set" JSONB, set_once JSONB,
            distinct_id VARCHAR(200), team_id INTEGER, ip VARCHAR(200), site_url VARCHAR(200),
            "timestamp" TIMESTAMP WITH TIME ZONE, _inserted_at TIMESTAMP WITH TIME ZONE DEFAULT now()
        );
        """

    /// Copies the export's JSON lines into `events` as PostHog's PostgreSQL batch export lays them out.
    func load(_ file: URL, into database: String, cluster: PostgresTestCluster) throws {
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        var sql = "CREATE TEMP TABLE raw (line jsonb);\nINSERT INTO raw (line) VALUES\n"
        sql += lines.map { "('" + $0.replacingOccurrences(of: "'", with: "''") + "')" }.joined(separator: ",\n") + ";\n"
        sql += """
            INSERT INTO events (uuid, event, properties, elements, distinct_id, team_id, ip, "timestamp")
            SELECT line->>'uuid', line->>'event', line->'properties', to_jsonb(line->>'elements_chain'), line->>'distinct_id',
                   1, line->'properties'->>'$ip', (line->>'timestamp')::timestamptz
            FROM raw;
            """
        try cluster.psql(database: database, sql)
    }

    func config(_ root: URL, writeBack: String?) throws -> URL {
        let url = root.appendingPathComponent("fixloop.toml")
        try (writeBack.map { "[scorer]\nwrite_back = \"\($0)\"\n" } ?? "").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func environment(_ root: URL, state: String = "state", extra: [String: String] = [:]) -> [String: String] {
        [
            "FIXLOOP_HOME": root.appendingPathComponent(state).path, "HOME": root.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ].merging(extra) { $1 }
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func warehouseRowsAreScoredLikeTheFileTheyCameFromAndTheScoresAreWrittenBackOnceEach() async throws {
        let cluster = try PostgresTestCluster.shared()
        try await withTemporaryDirectory("fixloop-warehouse") { root in
            let (file, database) = try warehouse(cluster, root: root, sessions: 12)
            let url = cluster.url(database: database)
            let config = try config(root, writeBack: url)
            let arguments = ["score", "--from", url, "--table", "events", "--model", "none", "--config", config.path]
            let (status, text) = await runFixloop(arguments + ["--json"], environment: environment(root))
            #expect(status == 0, "\(text)")
            let result = try json(text)
            let events = try cluster.psql(database: database, "SELECT count(*) FROM events")
            let counts = try #require(result["import"] as? [String: Any])
            #expect("\(counts["read"] ?? "")" == events && "\(counts["stored"] ?? "")" == events && counts["malformed"] as? Int == 0)
            #expect(counts["sessions"] as? Int == 12)
            #expect((result["grading"] as? [String: Any])?["sessions"] as? Int == 12)
            #expect(result["written_back"] as? Int == 12)
            #expect(try cluster.psql(database: database, "SELECT count(*), count(DISTINCT session_id), count(*) FILTER (WHERE model IS NULL) FROM fixloop_session_scores") == "12|12|12")

            // The same export read as a file gives the same scores.
            let (fileStatus, fileText) = await runFixloop(
                ["score", "--import", file.path, "--model", "none", "--json"], environment: environment(root, state: "file-state"))
            #expect(fileStatus == 0, "\(fileText)")
            #expect(NSDictionary(dictionary: try #require(try json(fileText)["summary"] as? [String: Any]))
                == NSDictionary(dictionary: try #require(result["summary"] as? [String: Any])))
            let (_, fileList) = await runFixloop(["sessions", "list", "--limit", "0"], environment: environment(root, state: "file-state"))
            let warehouseScores = try cluster.psql(database: database, "SELECT session_id || ' ' || score FROM fixloop_session_scores ORDER BY session_id")
            for line in warehouseScores.split(separator: "\n") {
                let parts = line.split(separator: " ")
                #expect(fileList.split(separator: "\n").contains { $0.contains(parts[0]) && $0.trimmingCharacters(in: .whitespaces).hasPrefix(String(parts[1]) + " ") }, "\(line)")
            }

            // A rerun reads nothing new and updates the same rows.
            let before = try cluster.psql(database: database, "SELECT max(written_at) FROM fixloop_session_scores")
            let (again, second) = await runFixloop(arguments + ["--json"], environment: environment(root))
            #expect(again == 0, "\(second)")
            #expect((try json(second)["import"] as? [String: Any])?["read"] as? Int == 0)
            #expect(try json(second)["written_back"] as? Int == 12)
            #expect(try cluster.psql(database: database, "SELECT count(*), max(written_at) > '\(before)' FROM fixloop_session_scores") == "12|t")

            // New rows arrive (after the first week's): only they are read.
            _ = try warehouse(cluster, root: root, sessions: 3, seed: 7, start: Date(timeIntervalSince1970: 1_751_328_000), database: database)
            let added = try #require(Int(try cluster.psql(database: database, "SELECT count(*) FROM events"))) - (try #require(Int(events)))
            let (third, thirdText) = await runFixloop(arguments, environment: environment(root))
            #expect(third == 0, "\(thirdText)")
            #expect(thirdText.contains("import: read \(added) · stored \(added) · already stored 0"), "\(thirdText)")
            #expect(thirdText.contains("graded 15 sessions"), "\(thirdText)")
            #expect(thirdText.contains("wrote 15 scores to fixloop_session_scores at postgres://postgres@127.0.0.1:\(cluster.port)/\(database)"), "\(thirdText)")
            #expect(try cluster.psql(database: database, "SELECT count(*), count(DISTINCT session_id) FROM fixloop_session_scores") == "15|15")
        }
    }

    @Test func aModelsIntentAndRightProductAnswerAreWrittenBackWithTheModelAndPrompt() async throws {
        let cluster = try PostgresTestCluster.shared()
        try await withTemporaryDirectory("fixloop-warehouse") { root in
            let (_, database) = try warehouse(cluster, root: root, sessions: 3)
            let url = cluster.url(database: database)
            let config = try config(root, writeBack: url)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(.text(Self.grade), .text(Self.grade), .text(Self.grade))
                let arguments = ["score", "--from", url, "--model", "openai:test-model", "--grading", "all", "--yes", "--config", config.path]
                let extra = ["OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key"]
                let (status, text) = await runFixloop(arguments, environment: environment(root, extra: extra))
                #expect(status == 0, "\(text)")
                #expect(text.contains("wrote 3 scores to fixloop_session_scores"), "\(text)")
            }
            #expect(try cluster.psql(database: database, """
                SELECT count(*), min(score), min(model_score), min(intent), bool_and(right_product), min(blurb::text),
                       bool_and(model LIKE '%test-model%'), bool_and(prompt_hash IS NOT NULL), bool_and(scored_at IS NOT NULL)
                FROM fixloop_session_scores
                """) == #"3|4|4|buy a plant|t|["the checkout failed"]|t|t|t"#)
        }
    }

    @Test func withTheWarehouseDownTheScoresStayLocalTheRunFailsClearlyAndARerunWritesThem() async throws {
        let cluster = try PostgresTestCluster.shared()
        try await withTemporaryDirectory("fixloop-warehouse") { root in
            let (file, database) = try warehouse(cluster, root: root, sessions: 4)
            let down = try PostgresTestCluster.unusedPort()
            let config = try config(root, writeBack: "postgres://analyst:hunter22@127.0.0.1:\(down)/\(database)")
            let (status, text) = await runFixloop(
                ["score", "--import", file.path, "--model", "none", "--config", config.path], environment: environment(root))
            #expect(status == 2, "\(text)")
            #expect(text.contains("Could not write 4 scores back to the warehouse: Could not reach PostgreSQL at postgres://analyst@127.0.0.1:\(down)/\(database)"), "\(text)")
            #expect(text.contains("[score.write_back_failed]") && text.contains("rerun fixloop score") && !text.contains("hunter22"), "\(text)")
            let (_, list) = await runFixloop(["sessions", "list", "--limit", "0"], environment: environment(root))
            #expect(list.split(separator: "\n").count == 4, "\(list)")

            // The password user, its password from a file through FIXLOOP_DATABASE_PASSWORD_FILE.
            let passwordFile = root.appendingPathComponent("db-password")
            try "\(PostgresTestCluster.password)\n".write(to: passwordFile, atomically: true, encoding: .utf8)
            let fixed = try self.config(root, writeBack: cluster.url(database: database, user: PostgresTestCluster.passwordUser))
            let (again, second) = await runFixloop(
                ["score", "--model", "none", "--config", fixed.path],
                environment: environment(root, extra: ["FIXLOOP_DATABASE_PASSWORD_FILE": passwordFile.path]))
            #expect(again == 0, "\(second)")
            #expect(second.contains("wrote 4 scores"), "\(second)")
            #expect(try cluster.psql(database: database, "SELECT count(*) FROM fixloop_session_scores") == "4")

            // Without the file, the same URL is refused by the server, named without a password.
            let (refused, refusal) = await runFixloop(["score", "--model", "none", "--config", fixed.path], environment: environment(root))
            let user = PostgresTestCluster.passwordUser
            #expect(refused == 2 && refusal.contains("[score.write_back_failed]"), "\(refusal)")
            #expect(refusal.contains("refused user \(user)") || refusal.contains("asks user \(user) for a password"), "\(refusal)")
        }
    }

    @Test func aBadWarehouseURLOrTableIsRefusedBeforeAnythingIsRead() async throws {
        let cluster = try PostgresTestCluster.shared()
        try await withTemporaryDirectory("fixloop-warehouse") { root in
            let database = try cluster.makeDatabase()
            let (status, text) = await runFixloop(["score", "--from", "mysql://u:hunter22@h/db"], environment: environment(root))
            #expect(status == 2 && text.contains("[postgres.bad_url]") && !text.contains("hunter22"), "\(text)")
            let (missing, missingText) = await runFixloop(
                ["score", "--from", cluster.url(database: database), "--table", "posthog_events"], environment: environment(root))
            #expect(missing == 2 && missingText.contains("has no table posthog_events") && missingText.contains("[postgres.bad_table]"), "\(missingText)")
            let (both, bothText) = await runFixloop(
                ["score", "--from", cluster.url(database: database), "--import", "x.jsonl"], environment: environment(root))
            #expect(both == 2 && bothText.contains("--from and --import cannot be used together"), "\(bothText)")
        }
    }
}
