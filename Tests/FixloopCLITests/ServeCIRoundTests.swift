@testable import FixloopCLI
import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Testing

/// CI rounds in `serve`: a signed `check_run` (or `check_suite`, `workflow_run`) that failed on Fixloop's branch →
/// one CI round per head commit → the worker reads the failing checks and the job log from the loopback GitHub
/// server, the engineer (scripted model, real sandbox) gets them as its task → one new commit and one reply; a CI
/// round counts toward `[serve] max_rounds` like a review round.
@Suite(.serialized)
struct ServeCIRoundTests {
    let e2e = FixEndToEndTests()
    let serve = ServeRevisionTests()
    static let branch = ReviseEndToEndTests.branch

    static func checkRun(id: Int, head: String, conclusion: String = "failure", branch: String = branch, pullRequest: Int? = 2) -> String {
        let pulls = pullRequest.map { "[{\"number\": \($0)}]" } ?? "[]"
        return """
            {"action": "completed", "repository": {"full_name": "acme/shop"}, "sender": {"login": "github-actions[bot]"},
             "check_run": {"id": \(id), "name": "tests", "head_sha": "\(head)", "status": "completed", "conclusion": "\(conclusion)",
                           "check_suite": {"id": 77, "head_branch": "\(branch)", "head_sha": "\(head)"}, "pull_requests": \(pulls)}}
            """
    }

    static func checkSuite(head: String) -> String {
        """
        {"action": "completed", "repository": {"full_name": "acme/shop"}, "sender": {"login": "github-actions[bot]"},
         "check_suite": {"id": 77, "head_branch": "\(branch)", "head_sha": "\(head)", "status": "completed", "conclusion": "failure",
                         "pull_requests": [{"number": 2}]}}
        """
    }

    static let log = """
        2026-12-05T02:00:01.0000000Z ##[group]Run python -m pytest -q
        2026-12-05T02:00:02.0000000Z FAILED tests/test_cart.py::test_total_says_cents - AssertionError: the total line does not say cents
        2026-12-05T02:00:02.1000000Z 1 failed, 3 passed in 0.12s
        2026-12-05T02:00:02.2000000Z ##[error]Process completed with exit code 1.
        """

    @Test func aFailedCheckRunOnFixloopsBranchBecomesOneCIRoundWithANewCommitAndOneReply() async throws {
        try await withTemporaryDirectory("fixloop-serve-ci") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["bug"])
            try await withLoopbackModelServer(.openAI) { model in
                try await github.run { server in
                    let first = try await ReviseEndToEndTests().openPullRequest(scene, model: model, github: server)
                    await github.state.setPullRequestHead("acme/shop", number: 2, sha: first)
                    await github.state.addCheckRun("acme/shop", .init(id: 501, name: "tests", headSHA: first, conclusion: "failure",
                                                                      title: "1 test failed", actionsRun: 901))
                    await github.state.addJob(run: 901, .init(id: 9011, name: "pytest", conclusion: "failure", failedStep: "Run pytest"), log: Self.log)
                    await model.enqueue(.toolCalls([
                        FixEndToEndTests.fixCall(search: "        result += price", replace: "        result += price  # in cents"),
                        ReviseEndToEndTests.submit("Said that the total is in cents, as test_total_says_cents expects."),
                    ]))
                    let before = await model.received().count
                    try await serve.withBot(scene, model: model, github: server) { bot in
                        #expect(try await serve.deliver("check_run", Self.checkRun(id: 501, head: first), id: "d-1", to: bot) == 202)
                        // The other check events of the same head commit make no second round.
                        try await serve.deliver("check_suite", Self.checkSuite(head: first), id: "d-2", to: bot)
                        try await serve.deliver("check_run", Self.checkRun(id: 502, head: first), id: "d-3", to: bot)
                        let queued = try await bot.wiring.store.jobs(state: nil, limit: 5)
                        #expect(queued.count == 1 && queued.first?.kind == .ci, "\(queued)")
                        #expect(try await bot.wiring.workers.runNext(worker: "test-w0"))
                        // A late check event of the same head, after the round, asks for nothing either.
                        try await serve.deliver("check_run", Self.checkRun(id: 503, head: first), id: "d-4", to: bot)
                        let jobs = try await bot.wiring.store.jobs(state: nil, limit: 5)
                        #expect(jobs.count == 1 && jobs.first?.state == .done, "\(jobs)")
                    }
                    let head = try #require(try await GitFixture.revParse("refs/heads/\(Self.branch)", in: scene.remote))
                    let parent = try await GitCommandLine.run(["rev-parse", "\(head)^"], in: scene.remote).output.trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(head != first && parent == first, "a second commit on top of the first")
                    let prompts = await model.received().dropFirst(before).map { "\($0.body)" }.joined()
                    #expect(prompts.contains("test_total_says_cents") && prompts.contains("1 test failed"), "the failing check and its log are the task")
                    #expect(prompts.contains("$ python -m pytest -q") && prompts.contains("failed here too"), "the failing command was rerun in the sandbox first")
                    let (_, shown) = await e2e.run(["show", "--pr", "gh:acme/shop#2", "--json"], model: model, github: server, scene: scene)
                    let rounds = try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [[String: Any]] ?? []
                    #expect(rounds.map { $0["kind"] as? String } == ["ci"], "the round is a run of kind ci: \(shown)")
                }
            }
            #expect((await github.state.pullRequests["acme/shop"] ?? [:]).count == 1)
            let replies = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(replies.count == 1, "\(replies)")
        }
    }

    @Test func aFourthRoundIsRefusedWithOneCommentAndPassingOrForeignChecksStartNothing() async throws {
        try await withTemporaryDirectory("fixloop-serve-ci-limit") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket)
            await github.state.addPullRequest("acme/shop", title: "Fix: Cart total is negative", body: "Fixes #1", head: Self.branch)
            try await github.run { server in
                try await serve.withBot(scene, model: nil, github: server) { bot in
                    try await serve.deliver("check_run", Self.checkRun(id: 601, head: "a1", conclusion: "success"), id: "d-ok", to: bot)
                    try await serve.deliver("check_run", Self.checkRun(id: 602, head: "a2", branch: "feature/x"), id: "d-other", to: bot)
                    try await serve.deliver("check_run", Self.checkRun(id: 603, head: "a3", pullRequest: nil), id: "d-nopr", to: bot)
                    #expect(try await bot.wiring.store.jobs(state: nil, limit: 5).isEmpty)
                    // Three rounds already ran on the pull request: two on review, one on CI.
                    for kind in [JobKind.revision, .ci, .revision] {
                        var request = JobRequest(ticket: "gh:acme/shop#2", repository: "acme/shop", trigger: "a round", rerunsFinished: true)
                        request.kind = kind
                        _ = try await bot.wiring.store.enqueue(request, now: Date())
                        let job = try #require(try await bot.wiring.store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 5))
                        try await bot.wiring.store.finish(job.id, worker: "w", state: .done, summary: "revised", prURL: nil, costUSD: 0, now: Date())
                    }
                    for (index, head) in ["b1", "b2"].enumerated() {
                        try await serve.deliver("check_run", Self.checkRun(id: 700 + index, head: head), id: "d-\(index)", to: bot)
                    }
                    #expect(try await bot.wiring.store.jobs(state: .queued, limit: 5).isEmpty)
                }
            }
            let comments = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(comments.count == 1, "\(comments)")
            #expect(comments.first?.contains("max_rounds") == true)
            #expect(comments.first?.contains("this CI round") == true, "the refusal names the kind of round: \(comments)")
        }
    }
}
