import FixloopExportGenerator
import FixloopStore
import FixloopTesting
import Foundation
import Testing

@testable import FixloopCLI

/// `fixloop score --posthog` against a loopback server that speaks PostHog's query API and serves a generated week.
@Suite(.serialized)
struct ScorePostHogTests {
    static func week(sessions: Int = 30) -> [String] {
        var options = PostHogExportGenerator.Options()
        options.sessions = sessions
        options.days = 7
        var lines: [String] = []
        _ = PostHogExportGenerator(options: options).generate { lines.append($0) }
        return lines
    }

    /// The configuration naming the server, and the environment with the key.
    func setUp(_ root: URL, server: LoopbackServer, key: String = "phx_test") throws -> (config: String, environment: [String: String]) {
        let config = root.appendingPathComponent("fixloop.toml")
        try "[posthog]\nhost = \"\(server.baseURL.absoluteString)\"\nproject_id = 12345\n".write(to: config, atomically: true, encoding: .utf8)
        let environment = [
            "FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path, "PATH": "/usr/bin:/bin",
            "POSTHOG_API_KEY": key,
        ]
        return (config.path, environment)
    }

    static let window = ["--since", "2025-06-01", "--until", "2025-06-09"]

    func counts(_ text: String) throws -> [String: Any] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(report["import"] as? [String: Any])
    }

    @Test func theFirstPullImportsTheWeekAndASecondImportsNothingNew() async throws {
        let server = PostHogTestServer(events: Self.week())
        let total = await server.state.eventCount
        await server.state.rateLimit(count: 1)
        try await withTemporaryDirectory("fixloop-score-posthog") { root in
            try await server.run { loopback in
                let (config, environment) = try setUp(root, server: loopback)
                let arguments = ["score", "--config", config, "--posthog", "--posthog-page-size", "200", "--model", "none", "--json"] + Self.window
                let (status, text) = await runFixloop(arguments, environment: environment)
                #expect(status == 0, "\(text)")
                let first = try counts(text)
                #expect(first["read"] as? Int == total && first["stored"] as? Int == total && first["malformed"] as? Int == 0)
                // The 429 was waited out (Retry-After: 1) and every page then answered.
                #expect(await server.state.queries.count == (total + 199) / 200)
                let (again, second) = await runFixloop(arguments, environment: environment)
                #expect(again == 0, "\(second)")
                let next = try counts(second)
                #expect(next["read"] as? Int == 0 && next["stored"] as? Int == 0)
            }
        }
    }

    @Test func aRefusedKeyIsAClearErrorNamingPOSTHOG_API_KEY() async throws {
        let server = PostHogTestServer(events: Self.week(sessions: 2))
        try await withTemporaryDirectory("fixloop-score-posthog") { root in
            try await server.run { loopback in
                let (config, environment) = try setUp(root, server: loopback, key: "phx_wrong")
                let (status, text) = await runFixloop(["score", "--config", config, "--posthog", "--model", "none"] + Self.window, environment: environment)
                #expect(status == 2)
                #expect(text.contains("POSTHOG_API_KEY") && text.contains("[posthog.unauthorized]"), "\(text)")
                #expect(!text.contains("phx_wrong"))
            }
        }
    }

    @Test func withoutHostOrKeyTheCommandSaysWhatToSet() async throws {
        try await withTemporaryDirectory("fixloop-score-posthog") { root in
            let environment = ["FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path, "PATH": "/usr/bin:/bin"]
            let (status, text) = await runFixloop(["score", "--posthog", "--model", "none"], environment: environment)
            #expect(status == 2)
            #expect(text.contains("[posthog] host and project_id"), "\(text)")
            let config = root.appendingPathComponent("fixloop.toml")
            try "[posthog]\nhost = \"https://eu.posthog.com\"\nproject_id = 7\n".write(to: config, atomically: true, encoding: .utf8)
            let (keyless, said) = await runFixloop(["score", "--config", config.path, "--posthog", "--model", "none"], environment: environment)
            #expect(keyless == 2)
            #expect(said.contains("POSTHOG_API_KEY") && said.contains("[posthog.no_key]"), "\(said)")
        }
    }

    @Test(.enabled(if: ScoreKillTests.fixloopBinary != nil, "needs the fixloop executable next to the test runner"))
    func aKilledPullThenARerunEndsWithExactCounts() async throws {
        let server = PostHogTestServer(events: Self.week(sessions: 60))
        let total = await server.state.eventCount
        await server.state.slowDown(.milliseconds(50))
        try await withTemporaryDirectory("fixloop-score-posthog-kill") { root in
            try await server.run { loopback in
                let (config, environment) = try setUp(root, server: loopback)
                let state = root.appendingPathComponent("state")
                let database = try FixloopDatabase(url: state.appendingPathComponent("fixloop.sqlite"))
                let sink = SQLiteEventSink(database: database)
                let arguments = ["score", "--config", config, "--posthog", "--posthog-page-size", "50", "--model", "none"] + Self.window
                let process = Process()
                process.executableURL = try #require(ScoreKillTests.fixloopBinary)
                process.arguments = arguments
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                let deadline = ContinuousClock.now + .seconds(120)
                while await server.state.queries.count < 4, process.isRunning, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let committed = try sink.count()
                #expect(committed > 0 && committed < total, "killed after \(committed) of \(total) events")

                await server.state.slowDown(.zero)
                let (status, text) = await runFixloop(arguments + ["--json"], environment: environment)
                #expect(status == 0, "\(text)")
                let rerun = try counts(text)
                #expect(rerun["stored"] as? Int == total - committed)
                #expect(rerun["already_stored"] as? Int == 0, "the cursor moved with each page's events")
                #expect(try sink.count() == total)
            }
        }
    }
}
