import FixloopCore
import FixloopExportGenerator
import FixloopScorer
import FixloopTesting
import Foundation
import Synchronization
import Testing

@testable import FixloopCLI

/// `fixloop score` and `fixloop sessions` from the command line: a generated PostHog export, the real store, and
/// a scripted model on a loopback OpenAI-compatible server reached through the real client.
@Suite(.serialized)
struct ScoreCommandTests {
    static let validGrade = #"""
        {"score": 3, "intent": "buy a plant", "right_product": true, "went_right": ["found the product"],
         "went_wrong": ["the checkout failed"], "failures": [], "confidence": 0.8}
        """#

    func export(in root: URL, sessions: Int, malformed: Bool = false) throws -> (URL, Int) {
        var options = PostHogExportGenerator.Options()
        options.sessions = sessions
        let url = root.appendingPathComponent("export.jsonl")
        let manifest = try PostHogExportGenerator(options: options).write(to: url)
        if malformed {
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("{\"event\": \"$pageview\", oops\n".utf8))
            try handle.close()
        }
        return (url, manifest.reduce(0) { $0 + $1.eventCount })
    }

    func run(_ arguments: [String], root: URL, model: LoopbackModelServer? = nil) async -> (Int32, String) {
        await runFixloop(arguments, environment: environment(root: root, model: model))
    }

    func environment(root: URL, model: LoopbackModelServer?) -> [String: String] {
        var environment = [
            "FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        if let model {
            environment["OPENAI_BASE_URL"] = model.baseURL.absoluteString
            environment["OPENAI_API_KEY"] = "sk-test-key"
        }
        return environment
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func rubricOnlyScoringPrintsCountsNPSAndTheWorstSessionsAndAReimportAddsNothing() async throws {
        try await withTemporaryDirectory("fixloop-score") { root in
            let (url, events) = try export(in: root, sessions: 12, malformed: true)
            let (status, text) = await run(["score", "--import", url.path, "--model", "none"], root: root)
            #expect(status == 0, "\(text)")
            #expect(text.contains("import: read \(events + 1) · stored \(events) · already stored 0 · duplicates 0 · malformed 1"))
            #expect(text.contains("malformed export.jsonl:\(events + 1): not valid JSON"))
            #expect(text.contains("graded 12 sessions: rubric 12 · model 0"))
            #expect(text.contains("implied NPS") && text.contains("by week:") && text.contains("2025-W") && text.contains("worst sessions:"))
            let (again, second) = await run(["score", "--import", url.path, "--model", "none", "--json"], root: root)
            #expect(again == 0, "\(second)")
            let report = try json(second)
            let counts = try #require(report["import"] as? [String: Any])
            #expect(counts["stored"] as? Int == 0 && counts["already_stored"] as? Int == events)
            #expect((report["grading"] as? [String: Any])?["sessions"] as? Int == 12)

            let (listed, list) = await run(["sessions", "list", "--limit", "3"], root: root)
            let rows = list.split(separator: "\n").filter { !$0.hasPrefix("…") }  // "… 9 more" is on standard error
            #expect(list.contains("… 9 more (use --limit 0 for all)"), "\(list)")
            #expect(listed == 0 && rows.count == 3, "\(list)")
            let id = try #require(rows.first?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(3).first)
            let (shown, show) = await run(["sessions", "show", String(id)], root: root)
            #expect(shown == 0 && show.contains("session \(id)") && show.contains("score "), "\(show)")
            let (missing, error) = await run(["sessions", "show", "nope"], root: root)
            #expect(missing != 0 && error.contains("cli.unknown_session"))
        }
    }

    @Test func aSchemaViolatingReplyIsSentBackAndTheNextValidOneIsStoredAndReused() async throws {
        try await withTemporaryDirectory("fixloop-score") { root in
            let (url, _) = try export(in: root, sessions: 3)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(
                    .text(#"{"score": 11, "intent": "buy"}"#), .text(Self.validGrade), .text(Self.validGrade),
                    .text(Self.validGrade))
                let arguments = ["score", "--import", url.path, "--model", "openai:test-model", "--grading", "all", "--json", "--yes"]
                let (status, text, errors) = await runFixloopSeparately(arguments, environment: environment(root: root, model: model))
                #expect(status == 0, "\(text)\(errors)")
                #expect(errors.contains("3 sessions × ~") && errors.contains("openai:test-model has no price"), "\(errors)")
                #expect(try json(text)["unpriced"] as? Bool == true)
                let grading = try #require(try json(text)["grading"] as? [String: Any])
                #expect(grading["model"] as? Int == 3 && grading["rejected"] as? Int == 0)
                let received = await model.received()
                #expect(received.count == 4)
                // Graders run concurrently, so the retry is not necessarily the second request.
                #expect(received.filter { $0.body.jsonText.contains("was not accepted") }.count == 1)
                #expect(!received.contains { $0.body.jsonText.contains("user_") })

                let (again, second, _) = await runFixloopSeparately(arguments, environment: environment(root: root, model: model))
                #expect(again == 0, "\(second)")
                #expect((try json(second)["grading"] as? [String: Any])?["reused"] as? Int == 3)
                #expect(try json(second)["unpriced"] as? Bool == false)
                #expect(await model.received().count == 4)

                let (_, list) = await run(["sessions", "list"], root: root)
                #expect(list.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("3  ") && $0.contains("model") && $0.contains("the checkout failed") }, "\(list)")
            }
        }
    }

    @Test func untilBoundsTheGradedSessionsLikeSince() async throws {
        try await withTemporaryDirectory("fixloop-score") { root in
            let (url, _) = try export(in: root, sessions: 3)
            let (status, text) = await run(["score", "--import", url.path, "--model", "none", "--until", "2000-01-01", "--json"], root: root)
            #expect(status == 0, "\(text)")
            let none = try #require(try json(text)["grading"] as? [String: Any])
            #expect(none["sessions"] as? Int == 0, "\(text)")
            let (again, all) = await run(["score", "--model", "none", "--since", "2000-01-01", "--until", "2100-01-01T00:00:00Z", "--json"], root: root)
            #expect(again == 0, "\(all)")
            let every = try #require(try json(all)["grading"] as? [String: Any])
            #expect(every["sessions"] as? Int == 3, "\(all)")
        }
    }

    @Test func paidModelGradingOnAPipeWithoutYesStopsBeforeAnyCallAndKeepsTheImport() async throws {
        try await withTemporaryDirectory("fixloop-score") { root in
            let (url, events) = try export(in: root, sessions: 4)
            try await withLoopbackModelServer(.openAI) { model in
                let arguments = ["score", "--import", url.path, "--model", "openai:gpt-4.1", "--grading", "all"]
                let (status, output, errors) = await runFixloopSeparately(arguments, environment: environment(root: root, model: model))
                #expect(status == 2, "\(output)\(errors)")
                #expect(errors.contains("4 sessions × ~") && errors.contains("≈ $0.0") && errors.contains("with openai:gpt-4.1"), "\(errors)")
                #expect(errors.contains("score.not_confirmed") && errors.contains("--yes"), "\(errors)")
                #expect(errors.contains("score: import: \(events) events"), "\(errors)")
                #expect(await model.received().isEmpty)

                let (again, text) = await run(["score", "--model", "none", "--json"], root: root)
                #expect(again == 0, "\(text)")
                let grading = try #require(try json(text)["grading"] as? [String: Any])
                #expect(grading["sessions"] as? Int == 4)
            }
        }
    }

    @Test func theGradingProgressCountsSessionsAndModelCallsOnAPipe() async throws {
        try await withTemporaryDirectory("fixloop-score") { root in
            let (url, _) = try export(in: root, sessions: 2)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(.text(Self.validGrade), .text(Self.validGrade))
                let arguments = ["score", "--import", url.path, "--model", "openai:gpt-4.1", "--grading", "all", "--yes"]
                let (status, output, errors) = await runFixloopSeparately(arguments, environment: environment(root: root, model: model))
                #expect(status == 0, "\(output)\(errors)")
                let lines = errors.split(separator: "\n").map(String.init)
                let estimate = try #require(lines.firstIndex { $0.hasPrefix("score: model grading: 2 sessions") }, "\(errors)")
                let first = try #require(lines.firstIndex { $0.hasPrefix("score: grading: 1/2 sessions · model 1/2 · $") }, "\(errors)")
                #expect(lines.last?.hasPrefix("score: grading: 2/2 sessions · model 2/2 · $") == true, "\(errors)")
                #expect(estimate < first)
                #expect(!output.contains("score:") && output.contains("cost $"), "\(output)")
            }
        }
    }

    @Test(arguments: [
        (["--model", "none"], GradingMode.model, GradingMode.rubricOnly),
        (["--model", "none", "--grading", "all"], GradingMode.model, GradingMode.rubricOnly),
        (["--model", "openai:m"], GradingMode.rubricOnly, GradingMode.modelWhenUnsure),
        (["--model", "openai:m"], GradingMode.model, GradingMode.model),
        ([], GradingMode.modelWhenUnsure, GradingMode.modelWhenUnsure),
        (["--grading", "all"], GradingMode.rubricOnly, GradingMode.model),
    ])
    func theGradingModeFollowsTheFlagsThenTheConfiguration(arguments: [String], configured: GradingMode, expected: GradingMode) throws {
        let command = try ScoreCommand.parse(arguments)
        #expect(command.gradingMode(configured: configured) == expected)
    }
}
