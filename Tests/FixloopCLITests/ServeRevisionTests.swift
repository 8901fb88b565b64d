@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Logging
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Revision rounds in `serve`: signed pull request events on loopback → a revision job → a worker runs the round
/// (scripted model, real sandbox) → one new commit on the same branch and one reply; readers, bots and Fixloop itself
/// start nothing; a round past `[serve] max_rounds` is refused with exactly one comment.
@Suite(.serialized)
struct ServeRevisionTests {
    let e2e = FixEndToEndTests()
    static let branch = ReviseEndToEndTests.branch

    struct Bot {
        let wiring: ServeWiring
        let url: URL
    }

    func withBot<T: Sendable>(
        _ scene: FixEndToEndTests.Scene, model: LoopbackModelServer?, github: LoopbackServer, settings: ServeSettings = ServeSettings(),
        _ body: (Bot) async throws -> T
    ) async throws -> T {
        let environment = [
            "OPENAI_BASE_URL": model?.baseURL.absoluteString ?? "http://127.0.0.1:9", "OPENAI_API_KEY": "sk-test-key", "FIXLOOP_HOME": scene.state.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": scene.root.path,
            "GITHUB_API_URL": github.baseURL.absoluteString, "GITHUB_TOKEN": "test-token", "GITHUB_WEBHOOK_SECRET": "hook-secret",
        ]
        let context = CommandContext(configuration: FixloopConfiguration(), state: StateDirectory(root: scene.state), environment: environment)
        let wiring = try await ServeWiring(context: context, settings: settings, jobs: .init(model: .init(provider: .openai, name: "test-model")),
                                           cloneFrom: ["acme/shop": scene.remote.path], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let router = buildRouter(settings: wiring.serverSettings, intake: wiring.intake, metrics: wiring.metrics, sources: wiring.sources)
        return try await LoopbackServer.with(router) { server in try await body(Bot(wiring: wiring, url: server.baseURL)) }
    }

    /// Posts one signed delivery. - Returns: the reply's status.
    @discardableResult
    func deliver(_ event: String, _ json: String, id: String, to bot: Bot) async throws -> Int? {
        let body = Data(json.utf8)
        var request = URLRequest(url: bot.url.appendingPathComponent("webhooks/github"))
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue(event, forHTTPHeaderField: "X-GitHub-Event")
        request.setValue(id, forHTTPHeaderField: "X-GitHub-Delivery")
        request.setValue(WebhookSignature.sign(body, secret: Secret("hook-secret")), forHTTPHeaderField: "X-Hub-Signature-256")
        let status = (try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode
        await bot.wiring.followUps.drain()
        return status
    }

    static func reviewComment(id: Int, body: String, login: String, type: String = "User", association: String) -> String {
        let text = String(data: try! JSONEncoder().encode(body), encoding: .utf8)!
        return """
            {"action": "created", "pull_request": {"number": 2, "head": {"ref": "\(branch)"}, "labels": [{"name": "fixloop"}]},
             "comment": {"id": \(id), "body": \(text), "user": {"login": "\(login)", "type": "\(type)"}, "author_association": "\(association)"},
             "repository": {"full_name": "acme/shop"}, "sender": {"login": "\(login)"}}
            """
    }

    @Test func aWritersReviewCommentBecomesASecondCommitOnTheSameBranchAndOneReplyNamingIt() async throws {
        try await withTemporaryDirectory("fixloop-serve-revise") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["bug"])
            try await withLoopbackModelServer(.openAI) { model in
                try await github.run { server in
                    let first = try await ReviseEndToEndTests().openPullRequest(scene, model: model, github: server)
                    let comment = await github.state.addReviewComment(
                        "acme/shop", pullRequest: 2, body: "Say that prices are in cents here.", path: "shop/cart.py", line: 5, author: "alice", association: "MEMBER")
                    await model.enqueue(.toolCalls([
                        FixEndToEndTests.fixCall(search: "        result += price", replace: "        result += price  # in cents"),
                        ReviseEndToEndTests.submit("[C\(comment)] Said that prices are in cents on the line."),
                    ]))
                    try await withBot(scene, model: model, github: server) { bot in
                        let status = try await deliver("pull_request_review_comment", Self.reviewComment(
                            id: comment, body: "Say that prices are in cents here.", login: "alice", association: "MEMBER"), id: "d-1", to: bot)
                        #expect(status == 202)
                        #expect(try await bot.wiring.workers.runNext(worker: "test-w0"))
                        let jobs = try await bot.wiring.store.jobs(state: nil, limit: 5)
                        #expect(jobs.count == 1 && jobs.first?.kind == .revision && jobs.first?.state == .done, "\(jobs)")
                    }
                    let head = try #require(try await GitFixture.revParse("refs/heads/\(Self.branch)", in: scene.remote))
                    let parent = try await GitCommandLine.run(["rev-parse", "\(head)^"], in: scene.remote).output.trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(head != first && parent == first, "a second commit on top of the first")
                }
            }
            #expect((await github.state.pullRequests["acme/shop"] ?? [:]).count == 1)
            let replies = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(replies.count == 1, "\(replies)")
            #expect(replies.first?.contains("@alice on `shop/cart.py` line 5") == true && replies.first?.contains("in cents on the line") == true)
        }
    }

    @Test func aReadersABotsAndFixloopsOwnCommentsStartNoRound() async throws {
        try await withTemporaryDirectory("fixloop-serve-revise-no") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.setPermission("acme/shop", user: "rita", "read")
            try await github.run { server in
                try await withBot(scene, model: nil, github: server) { bot in
                    try await deliver("pull_request_review_comment", Self.reviewComment(id: 7001, body: "Rename this.", login: "rita", association: "CONTRIBUTOR"), id: "d-1", to: bot)
                    try await deliver("pull_request_review_comment", Self.reviewComment(id: 7002, body: "Rename this.", login: "lint-bot[bot]", type: "Bot", association: "NONE"), id: "d-2", to: bot)
                    try await deliver("pull_request_review_comment", Self.reviewComment(id: 7003, body: "Rename this.", login: "ci-helper", type: "Bot", association: "MEMBER"), id: "d-3", to: bot)
                    try await deliver("pull_request_review_comment", Self.reviewComment(
                        id: 7004, body: "\(TicketComment.fixloopMarker):revision answered= -->\nRename this.", login: "token-owner", association: "OWNER"), id: "d-4", to: bot)
                    #expect(try await bot.wiring.store.jobs(state: nil, limit: 5).isEmpty)
                }
            }
            #expect(await github.state.comments.isEmpty)
        }
    }

    @Test func aRoundPastMaxRoundsIsRefusedWithExactlyOneComment() async throws {
        try await withTemporaryDirectory("fixloop-serve-revise-limit") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket)
            await github.state.addPullRequest("acme/shop", title: "Fix: Cart total is negative", body: "Fixes #1", head: Self.branch)
            try await github.run { server in
                try await withBot(scene, model: nil, github: server) { bot in
                    // Three rounds already ran on the pull request.
                    for round in 1...3 {
                        var request = JobRequest(ticket: "gh:acme/shop#2", repository: "acme/shop", trigger: "round \(round)", rerunsFinished: true)
                        request.kind = .revision
                        _ = try await bot.wiring.store.enqueue(request, now: Date())
                        let job = try #require(try await bot.wiring.store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 5))
                        try await bot.wiring.store.finish(job.id, worker: "w", state: .done, summary: "revised", prURL: nil, costUSD: 0, now: Date())
                    }
                    for delivery in 1...2 {
                        try await deliver("pull_request_review_comment", Self.reviewComment(
                            id: 8000 + delivery, body: "One more thing.", login: "alice", association: "OWNER"), id: "d-\(delivery)", to: bot)
                    }
                    let queued = try await bot.wiring.store.jobs(state: .queued, limit: 5)
                    #expect(queued.isEmpty)
                }
            }
            let comments = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(comments.count == 1, "\(comments)")
            #expect(comments.first?.contains("max_rounds") == true)
            #expect(comments.first?.contains("this review round") == true, "the refusal names the kind of round: \(comments)")
        }
    }
}
