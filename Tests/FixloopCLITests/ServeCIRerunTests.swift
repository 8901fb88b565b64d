@testable import FixloopCLI
import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Testing

/// A CI round reruns the failing command in the real sandbox before the edit loop: a command that passes there is a
/// flaky or CI-only failure — the round says so in its one reply and edits nothing (no model call, no commit).
@Suite(.serialized)
struct ServeCIRerunTests {
    let e2e = FixEndToEndTests()
    let serve = ServeRevisionTests()

    static let log = """
        2026-12-05T02:00:01.0000000Z ##[group]Run python3 -m pytest -rA -p no:cacheprovider
        2026-12-05T02:00:02.0000000Z E   ConnectionError: the CI runner's package mirror timed out
        2026-12-05T02:00:02.2000000Z ##[error]Process completed with exit code 1.
        """

    @Test func aFailingCommandThatPassesInTheSandboxIsReportedAsFlakyAndNothingIsEdited() async throws {
        try await withTemporaryDirectory("fixloop-serve-ci-rerun") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["bug"])
            try await withLoopbackModelServer(.openAI) { model in
                try await github.run { server in
                    let first = try await ReviseEndToEndTests().openPullRequest(scene, model: model, github: server)
                    await github.state.setPullRequestHead("acme/shop", number: 2, sha: first)
                    await github.state.addCheckRun("acme/shop", .init(id: 501, name: "tests", headSHA: first, conclusion: "failure",
                                                                      title: "tests failed", actionsRun: 901))
                    await github.state.addJob(run: 901, .init(id: 9011, name: "pytest", conclusion: "failure", failedStep: "Run pytest"), log: Self.log)
                    let before = await model.received().count
                    try await serve.withBot(scene, model: model, github: server) { bot in
                        #expect(try await serve.deliver("check_run", ServeCIRoundTests.checkRun(id: 501, head: first), id: "d-1", to: bot) == 202)
                        #expect(try await bot.wiring.workers.runNext(worker: "test-w0"))
                        let job = try await bot.wiring.store.jobs(state: nil, limit: 5).first
                        #expect(job?.state == .done && job?.summary?.contains("flaky or environment-only") == true, "\(String(describing: job))")
                    }
                    #expect(await model.received().count == before, "no model call: nothing to edit")
                    #expect(try await GitFixture.revParse("refs/heads/\(ServeCIRoundTests.branch)", in: scene.remote) == first, "no commit")
                    let trajectory = try FileManager.default.contentsOfDirectory(atPath: scene.state.appendingPathComponent("runs").path)
                        .compactMap { try? String(contentsOfFile: scene.state.appendingPathComponent("runs/\($0)/trajectory.jsonl").path, encoding: .utf8) }
                        .joined()
                    #expect(trajectory.contains("ci_rerun") && trajectory.contains("$ python3 -m pytest -rA -p no:cacheprovider"), "\(trajectory.suffix(2_000))")
                }
            }
            let replies = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(replies.count == 1 && replies.first?.contains("passed when Fixloop ran it in its sandbox") == true, "\(replies)")
        }
    }
}
