@testable import FixloopCLI
import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Testing

/// A CI round looks at the checks when it runs, not when it was asked for: still running → back in the queue with a
/// not-before time (no worker held, nothing run); passing by then (a rerun) → it ends with no change and no commit.
@Suite(.serialized)
struct ServeCIPendingTests {
    let e2e = FixEndToEndTests()
    let serve = ServeRevisionTests()

    /// A pull request whose head `c1` has the checks `runs`; delivers one failed `check_run` and runs the round.
    /// - Returns: the job after the round, whether a second claim found work at once, and the pull request's comments.
    func round(_ root: URL, checks runs: [GitHubTestState.CheckRun]) async throws -> (job: Job?, claimedAgain: Bool, comments: [String], remote: URL) {
        let scene = try await e2e.makeScene(root)
        let github = GitHubTestServer()
        await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket)
        await github.state.addPullRequest("acme/shop", title: "Fix: Cart total is negative", body: "Fixes #1", head: ServeCIRoundTests.branch)
        await github.state.setPullRequestHead("acme/shop", number: 2, sha: "c1")
        for run in runs { await github.state.addCheckRun("acme/shop", run) }
        let (job, claimedAgain) = try await github.run { server in
            try await serve.withBot(scene, model: nil, github: server) { bot in
                #expect(try await serve.deliver("check_run", ServeCIRoundTests.checkRun(id: 501, head: "c1"), id: "d-1", to: bot) == 202)
                #expect(try await bot.wiring.workers.runNext(worker: "test-w0"))
                let job = try await bot.wiring.store.jobs(state: nil, limit: 5).first
                return (job, try await bot.wiring.workers.runNext(worker: "test-w0"))
            }
        }
        return (job, claimedAgain, await github.state.comments.filter { $0.issue == 2 }.map(\.body), scene.remote)
    }

    @Test func checksStillRunningWhenTheRoundRunsPutItBackInTheQueueWithANotBeforeTime() async throws {
        try await withTemporaryDirectory("fixloop-serve-ci-pending") { root in
            let before = Date()
            let result = try await round(root, checks: [.init(id: 501, name: "tests", headSHA: "c1", status: "in_progress", conclusion: nil)])
            let job = try #require(result.job)
            #expect(job.state == .queued && job.attempts == 0, "\(job)")
            #expect(job.summary?.contains("tests") == true && job.summary?.contains("still running") == true, "\(job)")
            let notBefore = try #require(job.notBefore, "\(job)")
            #expect(notBefore > before.addingTimeInterval(20), "looks again in about 30 seconds: \(notBefore)")
            #expect(!result.claimedAgain, "the round is not due yet, so no worker takes it")
            #expect(result.comments.isEmpty, "nothing ran: \(result.comments)")
        }
    }

    @Test func checksThatPassWhenTheRoundRunsEndItWithNoChangeAndNoCommit() async throws {
        try await withTemporaryDirectory("fixloop-serve-ci-passed") { root in
            let result = try await round(root, checks: [.init(id: 501, name: "tests", headSHA: "c1", conclusion: "success")])
            let job = try #require(result.job)
            #expect(job.state == .done && job.summary?.hasPrefix("no change") == true, "\(job)")
            #expect(result.comments.isEmpty, "\(result.comments)")
            #expect(try await GitFixture.revParse("refs/heads/\(ServeCIRoundTests.branch)", in: result.remote) == nil, "no commit, no branch pushed")
        }
    }
}
