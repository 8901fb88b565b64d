import FixloopCore
import FixloopExportGenerator
import FixloopHTTP
import FixloopIngest
import FixloopPostHog
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// `PostHogEventPull` against a loopback server that speaks PostHog's query API, into the real SQLite store.
@Suite struct PostHogPullTests {
    static let start = Date(timeIntervalSince1970: 1_748_736_000)  // 2025-06-01T00:00:00Z

    /// A generated week of PostHog events as JSON lines.
    static func week(sessions: Int = 40) -> [String] {
        var options = PostHogExportGenerator.Options()
        options.sessions = sessions
        options.days = 7
        options.start = start
        var lines: [String] = []
        _ = PostHogExportGenerator(options: options).generate { lines.append($0) }
        return lines
    }

    func pull(_ server: LoopbackServer, key: String = "phx_test", pageSize: Int = 100, retry: RetryPolicy? = nil) -> PostHogEventPull {
        var client = PostHogQueryClient(host: server.baseURL, projectID: "12345", apiKey: Secret(key))
        if let retry { client.retry = retry }
        var pull = PostHogEventPull(client: client, since: Self.start, until: Self.start.addingTimeInterval(8 * 86_400))
        pull.pageSize = pageSize
        return pull
    }

    func database(_ root: URL) throws -> FixloopDatabase {
        try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite"))
    }

    @Test func theFirstPullImportsTheWeekPageByPageAndASecondImportsNothingNew() async throws {
        let server = PostHogTestServer(events: Self.week())
        let total = await server.state.eventCount
        try await withTemporaryDirectory("fixloop-posthog") { root in
            var sink = SQLiteEventSink(database: try database(root))
            try await server.run { loopback in
                let first = try await pull(loopback).run(importer: AnalyticsImporter(), into: &sink)
                #expect(total > 300)
                #expect(first.read == total && first.stored == total && first.malformed == 0)
                #expect(try sink.count() == total)
                #expect(await server.state.queries.count == (total + 99) / 100)
                let second = try await pull(loopback).run(importer: AnalyticsImporter(), into: &sink)
                #expect(second.read == 0 && second.stored == 0)
                #expect(await server.state.queries.count == (total + 99) / 100 + 1)
                #expect(try sink.count() == total)
            }
        }
    }

    @Test func eachPageAsksForTheRowsAfterTheLastOneStored() async throws {
        let server = PostHogTestServer(events: Self.week(sessions: 10))
        try await withTemporaryDirectory("fixloop-posthog") { root in
            var sink = SQLiteEventSink(database: try database(root))
            let source = try await server.run { loopback in
                let pull = pull(loopback, pageSize: 50)
                _ = try await pull.run(importer: AnalyticsImporter(), into: &sink)
                return pull.cursorSource
            }
            #expect(source.hasPrefix("posthog:http://127.0.0.1:") && source.hasSuffix("/12345"))
            let queries = await server.state.queries
            #expect(queries.count >= 2)
            #expect(queries[0].contains("FROM events WHERE timestamp >= toDateTime('2025-06-01T00:00:00.000Z')"))
            #expect(queries[0].hasSuffix("ORDER BY timestamp, toString(uuid) LIMIT 50"))
            #expect(!queries[0].contains("toString(uuid) >"))
            #expect(queries[1].contains("AND toString(uuid) > '"))
            let cursor = try #require(try sink.cursor(for: source))
            let position = cursor.split(separator: " ")
            #expect(position.count == 2 && position[0].hasSuffix("000Z"))
        }
    }

    @Test func aRateLimitIsWaitedOutAsRetryAfterSays() async throws {
        let server = PostHogTestServer(events: Self.week(sessions: 5))
        await server.state.rateLimit(count: 1)
        let total = await server.state.eventCount
        let sleeper = RecordingSleeper()
        try await withTemporaryDirectory("fixloop-posthog") { root in
            var sink = SQLiteEventSink(database: try database(root))
            try await server.run { loopback in
                var retry = RetryPolicy.trackerAPI
                retry.sleep = sleeper.sleep
                let report = try await pull(loopback, retry: retry).run(importer: AnalyticsImporter(), into: &sink)
                #expect(report.stored == total)
            }
        }
        #expect(sleeper.waits == [.seconds(1)])
    }

    @Test func aPullThatDiesMidwayThenARerunEndsWithExactCounts() async throws {
        let server = PostHogTestServer(events: Self.week())
        let total = await server.state.eventCount
        await server.state.fail(fromPage: 4)
        let quick = RetryPolicy(maxAttempts: 2, sleep: { _ in })
        try await withTemporaryDirectory("fixloop-posthog") { root in
            var sink = SQLiteEventSink(database: try database(root))
            try await server.run { loopback in
                let error = await #expect(throws: PostHogError.self) {
                    _ = try await pull(loopback, retry: quick).run(importer: AnalyticsImporter(), into: &sink)
                }
                #expect(error?.kind == .server)
                #expect(try sink.count() == 300, "three whole pages stored")
                await server.state.heal()
                let rerun = try await pull(loopback, retry: quick).run(importer: AnalyticsImporter(), into: &sink)
                #expect(rerun.stored == total - 300 && rerun.alreadyStored == 0 && rerun.read == total - 300)
                #expect(try sink.count() == total)
            }
        }
    }

    @Test func aCancelledPullThenARerunEndsWithExactCounts() async throws {
        let server = PostHogTestServer(events: Self.week())
        let total = await server.state.eventCount
        try await withTemporaryDirectory("fixloop-posthog") { root in
            let database = try database(root)
            try await server.run { loopback in
                let pull = pull(loopback, pageSize: 20)
                let task = Task {
                    var sink = SQLiteEventSink(database: database)
                    return try await pull.run(importer: AnalyticsImporter(), into: &sink)
                }
                while await server.state.queries.count < 3 { try await Task.sleep(for: .milliseconds(1)) }
                task.cancel()
                _ = await task.result
                let sink = SQLiteEventSink(database: database)
                let kept = try sink.count()
                #expect(kept < total, "cancelled before the end")
                var rerunSink = SQLiteEventSink(database: database)
                let rerun = try await pull.run(importer: AnalyticsImporter(), into: &rerunSink)
                #expect(rerun.stored == total - kept)
                #expect(try rerunSink.count() == total)
            }
        }
    }

    @Test func aRefusedKeyIsAnErrorNamingPOSTHOG_API_KEY() async throws {
        let server = PostHogTestServer(events: Self.week(sessions: 2))
        try await withTemporaryDirectory("fixloop-posthog") { root in
            var sink = SQLiteEventSink(database: try database(root))
            try await server.run { loopback in
                let error = await #expect(throws: PostHogError.self) {
                    _ = try await pull(loopback, key: "phx_wrong").run(importer: AnalyticsImporter(), into: &sink)
                }
                #expect(error?.kind == .unauthorized)
                #expect(error?.message.contains("POSTHOG_API_KEY") == true)
                #expect(error?.message.contains("phx_wrong") == false)
            }
        }
    }
}
