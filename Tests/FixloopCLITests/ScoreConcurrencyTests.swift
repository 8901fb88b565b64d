import FixloopCore
import FixloopExportGenerator
import FixloopScorer
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

@testable import FixloopCLI

/// `fixloop score` grading many sessions at once against a loopback OpenAI-compatible server with a latency: the
/// pool's bound, a 429 that holds every grader back, and a kill in the middle of grading followed by a rerun.
@Suite(.serialized)
struct ScoreConcurrencyTests {
    let helper = ScoreCommandTests()

    func configured(_ root: URL, concurrency: Int?) throws -> [String] {
        guard let concurrency else { return [] }
        let file = root.appendingPathComponent("fixloop.toml")
        try "[scorer]\nconcurrency = \(concurrency)\n".write(to: file, atomically: true, encoding: .utf8)
        return ["--config", file.path]
    }

    func arguments(_ export: URL, config: [String]) -> [String] {
        ["score", "--import", export.path, "--model", "openai:test-model", "--grading", "all", "--yes", "--json"] + config
    }

    @Test(arguments: [(nil, 8), (3, 3)] as [(Int?, Int)])
    func theModelServerSeesAtMostTheConfiguredNumberOfRequestsAtOnce(configured concurrency: Int?, expected: Int) async throws {
        try await withTemporaryDirectory("fixloop-score-pool") { root in
            let (url, _) = try helper.export(in: root, sessions: 24)
            let config = try configured(root, concurrency: concurrency)
            try await withLoopbackModelServer(.openAI) { model in
                await model.respond { _ in .after(.milliseconds(400), .text(ScoreCommandTests.validGrade)) }
                let (status, text, errors) = await runFixloopSeparately(
                    arguments(url, config: config), environment: helper.environment(root: root, model: model))
                #expect(status == 0, "\(text)\(errors)")
                let grading = try #require(try helper.json(text)["grading"] as? [String: Any])
                #expect(grading["model"] as? Int == 24)
                #expect(await model.received().count == 24)
                // Bounded by the pool, and really concurrent; under a loaded machine the feed may not keep every
                // grader busy at once, so reaching exactly `expected` is not required.
                let most = await model.mostConcurrentRequests()
                #expect(most <= expected && most > 1, "\(most) requests at once")
            }
        }
    }

    @Test func a429SeenByOneGraderHoldsBackEveryGraderForItsRetryAfter() async throws {
        try await withTemporaryDirectory("fixloop-score-429") { root in
            let (url, _) = try helper.export(in: root, sessions: 12)
            let config = try configured(root, concurrency: 4)
            try await withLoopbackModelServer(.openAI) { model in
                let answered = Mutex(0)
                await model.respond { _ in
                    let index = answered.withLock { count in
                        defer { count += 1 }
                        return count
                    }
                    return index == 0 ? .status(429, retryAfter: "1") : .after(.milliseconds(200), .text(ScoreCommandTests.validGrade))
                }
                let (status, text, errors) = await runFixloopSeparately(
                    arguments(url, config: config), environment: helper.environment(root: root, model: model))
                #expect(status == 0, "\(text)\(errors)")
                let received = await model.received()
                #expect(received.count == 13)
                // The first four went out together; every later one, from any grader, waited out the 429's second.
                let limited = try #require(received.first).receivedAt
                let early = received.dropFirst(4).filter { $0.receivedAt - limited < .milliseconds(900) }
                #expect(early.count == 0, "\(early.count) requests went out during the 429's Retry-After")
            }
        }
    }

    @Test(.enabled(if: ScoreKillTests.fixloopBinary != nil, "needs the fixloop executable next to the test runner"))
    func aRunKilledMidGradingThenARerunGivesEverySessionExactlyOneScore() async throws {
        try await withTemporaryDirectory("fixloop-score-grading-kill") { root in
            let sessions = 40
            let (url, _) = try helper.export(in: root, sessions: sessions)
            let config = try configured(root, concurrency: 4)
            try await withLoopbackModelServer(.openAI) { model in
                await model.respond { _ in .after(.milliseconds(100), .text(ScoreCommandTests.validGrade)) }
                let environment = helper.environment(root: root, model: model)
                let store = SQLiteScoreStore(database: try FixloopDatabase(
                    url: root.appendingPathComponent("state").appendingPathComponent("fixloop.sqlite")))

                let process = Process()
                process.executableURL = try #require(ScoreKillTests.fixloopBinary)
                process.arguments = arguments(url, config: config)
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                let deadline = ContinuousClock.now + .seconds(120)
                var graded = 0
                while graded < 8, process.isRunning, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                    graded = (try? await store.scores().filter { $0.modelGrade != nil }.count) ?? 0
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let saved = try await store.scores().filter { $0.modelGrade != nil }.count
                #expect(saved >= 8 && saved < sessions, "killed after \(saved) of \(sessions) grades")
                let sentBeforeKill = await model.received().count

                let (status, text, errors) = await runFixloopSeparately(arguments(url, config: config), environment: environment)
                #expect(status == 0, "\(text)\(errors)")
                let grading = try #require(try helper.json(text)["grading"] as? [String: Any])
                #expect(grading["reused"] as? Int == saved)
                #expect(grading["model"] as? Int == sessions - saved)
                // At most the calls in flight at the kill were lost.
                #expect(sentBeforeKill - saved <= 4, "\(sentBeforeKill) calls for \(saved) saved grades")
                let scores = try await store.scores()
                #expect(scores.count == sessions && Set(scores.map(\.sessionID)).count == sessions)
                #expect(scores.allSatisfy { $0.modelGrade != nil })
            }
        }
    }
}
