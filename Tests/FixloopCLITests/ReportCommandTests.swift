import FixloopConfig
import FixloopCore
import FixloopExportGenerator
import FixloopScorer
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation

@testable import FixloopCLI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Synchronization
import Testing

/// `fixloop report` and the same page at `fixloop serve`'s `/`, on a store scored from a generated export.
struct ReportCommandTests {
    static func run(_ arguments: [String], home: URL) async -> (Int32, String) {
        await runFixloop(arguments, environment: ["FIXLOOP_HOME": home.path, "HOME": home.path, "PATH": "/usr/bin:/bin"])
    }

    /// A state folder with 100 generated sessions (14 days from 2025-06-01) graded by the rubric.
    static func scoredHome(_ root: URL) async throws -> URL {
        let home = root.appendingPathComponent("home")
        let export = root.appendingPathComponent("export.jsonl")
        _ = try PostHogExportGenerator().write(to: export)
        let (status, text) = await run(["score", "--import", export.path, "--model", "none"], home: home)
        #expect(status == 0, "\(text)")
        return home
    }

    @Test func theReportWritesThePageAndTheMarkdownOfThePeriod() async throws {
        try await withTemporaryDirectory("fixloop-report") { root in
            let home = try await Self.scoredHome(root)
            let out = root.appendingPathComponent("review")
            let (status, text) = await Self.run(["report", "--since", "2025-06-01", "--out", out.path], home: home)
            #expect(status == 0, "\(text)")
            #expect(text.contains("review of 100 sessions"), "\(text)")
            let html = try String(contentsOf: out.appendingPathComponent("review.html"), encoding: .utf8)
            let markdown = try String(contentsOf: out.appendingPathComponent("review.md"), encoding: .utf8)
            #expect(html.contains("id=\"card-sessions\"><div class=\"big\">100<span"))
            #expect(markdown.contains("· 100 sessions ·"))
            // The JSON carries the same week: a distribution that adds up, one point per day with sessions.
            let (_, json) = await Self.run(["report", "--since", "2025-06-01", "--json"], home: home)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let distribution = try #require(object["distribution"] as? [Int])
            #expect(distribution.count == 11 && distribution.reduce(0, +) == 100)
            let days = try #require(object["days"] as? [[String: Any]])
            #expect(days.reduce(0) { $0 + ($1["sessions"] as? Int ?? 0) } == 100)
        }
    }

    @Test func withoutSinceTheReviewIsTheWeekOfTheNewestSession() async throws {
        try await withTemporaryDirectory("fixloop-report") { root in
            let home = try await Self.scoredHome(root)
            let (_, json) = await Self.run(["report", "--json"], home: home)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let days = try #require(object["days"] as? [[String: Any]])
            #expect((1...7).contains(days.count), "\(days.map { $0["label"] ?? "" })")
            #expect((object["overall"] as? [String: Any])?["sessions"] as? Int ?? 0 < 100)
        }
    }

    @Test func serveShowsTheSamePageAtTheRoot() async throws {
        try await withTemporaryDirectory("fixloop-report") { root in
            let home = root.appendingPathComponent("home")
            let token = "admin-token-0123456789abcdef"
            let environment = ["FIXLOOP_HOME": home.path, "GITHUB_WEBHOOK_SECRET": "s", "GITHUB_TOKEN": "t", "FIXLOOP_ADMIN_TOKEN": token]
            let context = CommandContext(configuration: FixloopConfiguration(), state: StateDirectory(root: home), environment: environment)
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            let wiring = try await ServeWiring(context: context, settings: ServeSettings(), jobs: .init(model: .init(provider: .openai, name: "test-model")), cloneFrom: [:], logger: logger)
            let router = buildRouter(settings: wiring.serverSettings, intake: wiring.intake, metrics: wiring.metrics, sources: wiring.sources)
            try await LoopbackServer.with(router) { server in
                var request = URLRequest(url: server.baseURL)
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                let (_, empty) = try await URLSession.shared.data(for: request)
                #expect((empty as? HTTPURLResponse)?.statusCode == 404)
                _ = try await Self.scoredHome(root)
                let (data, response) = try await URLSession.shared.data(for: request)
                #expect((response as? HTTPURLResponse)?.statusCode == 200)
                #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/html") == true)
                let page = String(decoding: data, as: UTF8.self)
                #expect(page.contains("id=\"nps-by-day\"") && page.contains("id=\"score-distribution\""))
            }
        }
    }
}
