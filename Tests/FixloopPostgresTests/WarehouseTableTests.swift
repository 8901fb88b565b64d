import FixloopCore
import FixloopPostgres
import FixloopTesting
import Foundation
import Testing

/// PostHog's batch-export table in PostgreSQL, as its PostgreSQL destination creates it.
let postHogEventsTableSQL = """
    CREATE TABLE events (
        uuid VARCHAR(200), event VARCHAR(200), properties JSONB, elements JSONB, "set" JSONB, set_once JSONB,
        distinct_id VARCHAR(200), team_id INTEGER, ip VARCHAR(200), site_url VARCHAR(200),
        "timestamp" TIMESTAMP WITH TIME ZONE, _inserted_at TIMESTAMP WITH TIME ZONE DEFAULT now()
    );
    """

/// The warehouse reader's pages and the write-back table, against the real server.
@Suite(.enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct WarehouseTableTests {
    func lines(_ page: WarehousePage) throws -> [[String: Any]] {
        try String(decoding: page.jsonLines, as: UTF8.self).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func pagesWalkTheTableByTimestampAndUUIDOnceEachEvenAcrossEqualTimestamps() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        // Seven rows, five of them at one instant: a page boundary falls among equal timestamps.
        try cluster.psql(database: database, postHogEventsTableSQL + """
            INSERT INTO events (uuid, event, properties, elements, distinct_id, team_id, "timestamp") VALUES
              ('u-5', '$pageview', '{"$session_id": "s1", "$current_url": "https://x/a"}', '"a:text=\\"Pay\\""', 'd1', 1, '2026-03-01 10:00:00.123456+00'),
              ('u-3', '$autocapture', '{"$session_id": "s1"}', NULL, 'd1', 1, '2026-03-01 10:00:00.123456+00'),
              ('u-4', '$pageleave', '{"$session_id": "s1"}', NULL, 'd1', 1, '2026-03-01 10:00:00.123456+00'),
              ('u-1', '$pageview', '{"$session_id": "s1"}', NULL, 'd1', 1, '2026-03-01 10:00:00.123456+00'),
              ('u-2', '$pageview', '{"$session_id": "s1"}', NULL, 'd1', 1, '2026-03-01 10:00:00.123456+00'),
              ('u-0', '$pageview', '{"$session_id": "s0"}', NULL, 'd0', 1, '2026-03-01 09:00:00+00'),
              ('u-9', '$pageview', '{"$session_id": "s2"}', NULL, 'd2', 1, '2026-03-01 11:00:00+01');
            """)
        let connector = PostgresConnector(url: try PostgresURL(parsing: cluster.url(database: database)))
        let source = try await WarehouseEventSource(connector: connector, table: try PostgresTableName("events"), pageSize: 2)
        var cursor: WarehouseCursor?
        var seen: [String] = []
        var pages = 0
        while true {
            let page = try await source.page(after: cursor)
            guard let last = page.last else { break }
            pages += 1
            seen += try lines(page).map { $0["uuid"] as! String }
            cursor = last
        }
        await source.close()
        // 11:00+01 is 10:00 UTC, before the five at 10:00:00.123456.
        #expect(seen == ["u-0", "u-9", "u-1", "u-2", "u-3", "u-4", "u-5"])
        #expect(pages == 4)
        #expect(cursor == WarehouseCursor(timestampMicros: 1_772_359_200_123_456, uuid: "u-5"))
        // As the store's `import_cursor` keeps it, and back.
        #expect(cursor?.position == "1772359200123456|u-5")
        #expect(WarehouseCursor(position: "1772359200123456|u-5") == cursor)
        #expect(WarehouseCursor(position: "2026-03-01 u-5") == nil && WarehouseCursor(position: "17|") == nil)

        let again = try await WarehouseEventSource(connector: connector, table: try PostgresTableName("events"), pageSize: 10)
        let first = try await again.page(after: nil)
        let rows = try lines(first)
        let row = try #require(rows.last)
        #expect(row["timestamp"] as? String == "2026-03-01T10:00:00.123456Z")
        #expect(row["elements_chain"] as? String == #"a:text="Pay""#)
        #expect((row["properties"] as? [String: Any])?["$current_url"] as? String == "https://x/a")
        #expect(row["distinct_id"] as? String == "d1" && row["event"] as? String == "$pageview")
        #expect(try await again.page(after: cursor).rows == 0)
        let since = try await again.page(after: nil, since: Date(timeIntervalSince1970: 1_772_359_200))
        #expect(since.rows == 6)
        await again.close()
    }

    @Test func aMissingTableOrMissingColumnsAreNamed() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        try cluster.psql(database: database, "CREATE TABLE half (uuid text, event text, \"timestamp\" timestamptz)")
        let connector = PostgresConnector(url: try PostgresURL(parsing: cluster.url(database: database)))
        await #expect {
            try await WarehouseEventSource(connector: connector, table: try PostgresTableName("events"))
        } throws: { ($0 as? PostgresError)?.message.contains("has no table events") == true }
        await #expect {
            try await WarehouseEventSource(connector: connector, table: try PostgresTableName("half"))
        } throws: { error in
            let error = error as? PostgresError
            return error?.code == "postgres.bad_table" && error?.message.contains("lacks the columns distinct_id, properties") == true
        }
    }

    @Test func writingScoresCreatesTheTableAndARewriteUpdatesInsteadOfDuplicating() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        let table = SessionScoreTable(connector: PostgresConnector(url: try PostgresURL(parsing: cluster.url(database: database))))
        func row(_ id: String, score: Int, intent: String?) -> WarehouseScoreRow {
            WarehouseScoreRow(
                sessionID: id, sessionStart: Date(timeIntervalSince1970: 1_772_359_200), score: score, rubricScore: 5,
                modelScore: intent == nil ? nil : score, intent: intent, rightProduct: intent.map { _ in true },
                blurb: ["payment failed", "it's \"quoted\""], model: intent == nil ? nil : "openai/test", promptHash: nil,
                timelineHash: "h-\(id)", costUSD: 0.001, scoredAt: Date(timeIntervalSince1970: 1_772_400_000))
        }
        #expect(try await table.write([row("s1", score: 3, intent: "buy a tent"), row("s2", score: 9, intent: nil)]) == 2)
        #expect(try cluster.psql(database: database, "SELECT session_id, score, intent, right_product, blurb->>1 FROM fixloop_session_scores ORDER BY 1")
            == "s1|3|buy a tent|t|it's \"quoted\"\ns2|9|||it's \"quoted\"")
        #expect(try await table.write([row("s1", score: 7, intent: "return a tent")]) == 1)
        #expect(try cluster.psql(database: database, "SELECT count(*), min(score), max(intent) FROM fixloop_session_scores WHERE session_id = 's1'")
            == "1|7|return a tent")
        #expect(try cluster.psql(database: database, "SELECT count(*) FROM fixloop_session_scores") == "2")
    }
}
