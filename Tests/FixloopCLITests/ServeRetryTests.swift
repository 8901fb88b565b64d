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

/// One PR per ticket, whatever happens to its title: the branch is fixed when the ticket is first taken.
@Suite(.serialized)
struct ServeRetryTests {
    let e2e = FixEndToEndTests()

    static func post(_ body: String, event: String, delivery: String, to bot: LoopbackServer) async throws -> Int? {
        var request = URLRequest(url: bot.baseURL.appendingPathComponent("webhooks/github"))
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue(event, forHTTPHeaderField: "X-GitHub-Event")
        request.setValue(delivery, forHTTPHeaderField: "X-GitHub-Delivery")
        request.setValue(WebhookSignature.sign(Data(body.utf8), secret: Secret("hook-secret")), forHTTPHeaderField: "X-Hub-Signature-256")
        return (try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode
    }

    @Test func aRetryAfterTheTitleWasEditedUpdatesTheSameBranchAndPullRequest() async throws {
        try await withTemporaryDirectory("fixloop-serve-retry") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            let number = await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket)
            try await withLoopbackModelServer(.openAI) { model in
                for _ in 0..<2 {
                    await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall]))
                }
                try await github.run { server in
                    let environment = [
                        "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key", "FIXLOOP_HOME": scene.state.path,
                        "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": root.path,
                        "GITHUB_API_URL": server.baseURL.absoluteString, "GITHUB_TOKEN": "test-token", "GITHUB_WEBHOOK_SECRET": "hook-secret",
                    ]
                    let context = CommandContext(configuration: FixloopConfiguration(), state: StateDirectory(root: scene.state), environment: environment)
                    let wiring = try await ServeWiring(context: context, settings: ServeSettings(), jobs: .init(model: .init(provider: .openai, name: "test-model")),
                                                 cloneFrom: ["acme/shop": scene.remote.path], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
                    let router = buildRouter(settings: wiring.serverSettings, intake: wiring.intake, metrics: wiring.metrics, sources: wiring.sources)
                    let labelled = """
                        {"action": "labeled", "issue": {"number": \(number), "title": "Cart total is negative", "updated_at": "2026-01-02T03:04:05Z"},
                         "label": {"id": 1, "name": "fixloop"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}
                        """
                    let retry = """
                        {"action": "created", "issue": {"number": \(number), "title": "Checkout shows a wrong sum", "updated_at": "2026-01-03T00:00:00Z"},
                         "comment": {"id": 77, "body": "/fixloop retry", "user": {"login": "alice", "type": "User"}, "author_association": "OWNER"},
                         "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}
                        """
                    try await LoopbackServer.with(router) { bot in
                        let labelStatus = try await Self.post(labelled, event: "issues", delivery: "delivery-1", to: bot)
                        #expect(labelStatus == 202)
                        await wiring.followUps.drain()
                        let ranFirst = try await wiring.workers.runNext(worker: "test-w0")
                        #expect(ranFirst)
                        await github.state.editIssue("acme/shop", number: number, title: "Checkout shows a wrong sum")
                        let retryStatus = try await Self.post(retry, event: "issue_comment", delivery: "delivery-2", to: bot)
                        #expect(retryStatus == 202)
                        await wiring.followUps.drain()
                        let ranSecond = try await wiring.workers.runNext(worker: "test-w0")
                        #expect(ranSecond)
                    }
                    let jobs = try await wiring.store.jobs(state: nil, limit: 5)
                    #expect(jobs.count == 2 && jobs.allSatisfy { $0.state == .done }, "\(jobs.map { "\($0.state): \($0.summary ?? "")" })")
                    #expect(Set(jobs.compactMap(\.prURL)).count == 1, "both runs delivered to the same pull request: \(jobs.map(\.prURL))")
                }
            }
            let pulls = await github.state.pullRequests["acme/shop"] ?? [:]
            #expect(pulls.count == 1, "one PR per ticket: \(pulls.values.map(\.head))")
            #expect(pulls.values.first?.head == "fixloop/gh-acme-shop-\(number)-cart-total-is-negative")
            #expect(pulls.values.first?.title == "Fix: Checkout shows a wrong sum", "the PR follows the new title, not its branch")
            let branches = try await GitCommandLine.run(["for-each-ref", "--format=%(refname:short)", "refs/heads/fixloop"], in: scene.remote).output
            #expect(branches.split(separator: "\n").count == 1, "one branch: \(branches)")
        }
    }
}
