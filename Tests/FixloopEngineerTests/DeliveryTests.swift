@testable import FixloopEngineer
import FixloopCore
import FixloopGitHub
import FixloopPrompts
import FixloopTesting
import Foundation
import Testing

struct DeliveryTests {
    static let body = PullRequestBody(
        ticketLink: "https://github.com/acme/shop/issues/12", ticketTitle: "Total is wrong",
        rootCause: "`total` subtracted prices. Every cart with two items showed the wrong total.",
        changeSummary: "Add instead of subtract in `Cart.total`.",
        files: [.init(path: "shop/cart.py", additions: 1, deletions: 1)],
        tests: [.init(id: "tests/test_cart.py::test_total", before: "failed", after: "passed"),
                .init(id: "tests/test_cart.py::test_empty", before: "passed", after: "passed")],
        reproductionTest: "tests/test_cart.py::test_total", cost: "$0.04 (3 model calls, 5,210 tokens)",
        reverifyCommand: "fixloop verify --repo https://github.com/acme/shop --commit abc123 --patch fix.patch --test 'python3 -m pytest -rA'",
        runID: "run-7", closingLine: "Fixes #12", moreTests: 3, model: "claude-sonnet-4-5 (anthropic)",
        impact: .init(sessions: 41, users: 38, share: "12%", route: "/checkout", meanScore: "2.1", baselineScore: "7.4",
                      firstSeen: "2025-06-02", lastSeen: "2025-06-08", examples: ["01972fad-4bec", "01972fb0-77aa"]),
        requester: "alice")

    /// Regenerate with `FIXLOOP_UPDATE_GOLDEN=1 swift test --filter DeliveryTests`.
    @Test func thePullRequestBodyMatchesTheGoldenFile() throws {
        let rendered = try PromptLibrary().render(Self.body).text
        if ProcessInfo.processInfo.environment["FIXLOOP_UPDATE_GOLDEN"] != nil {
            try rendered.write(to: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/pull-request.md"), atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: Bundle.module.url(forResource: "Golden/pull-request", withExtension: "md")!, encoding: .utf8)
        #expect(rendered == golden)
        #expect(rendered.contains("| `tests/test_cart.py::test_total` | failed | passed |"))
        #expect(rendered.hasPrefix("Fixes #12\n"))
        #expect(rendered.contains("## User impact"))
        #expect(rendered.contains("\nAsked for by @alice.\n"))
    }

    @Test(arguments: [
        (TicketReference.github(owner: "acme", name: "shop", number: 12), "Total is wrong at checkout!", "fixloop/gh-acme-shop-12-total-is-wrong-at-checkout"),
        (.linear(identifier: "ENG-42"), "Crash: /users/:id 500s", "fixloop/eng-42-crash-users-id-500s"),
        (.local(id: 3), "", "fixloop/local-3"),
        (.file(path: "tickets/bug.md"), "Ünïcode ticket", "fixloop/bug-n-code-ticket"),
    ])
    func branchNamesAreStablePerTicket(ticket: TicketReference, title: String, expected: String) {
        #expect(BranchName.make(for: ticket, title: title) == expected)
    }

    @Test func aSecondRunUpdatesTheSamePullRequest() async throws {
        let github = GitHubTestServer()
        try await github.run { server in
            let host = GitHubCodeHost(client: GitHubClient(baseURL: server.baseURL, token: Secret("test-token")))
            let request = PullRequestRequest(owner: "acme", name: "shop", head: "fixloop/gh-acme-shop-12-x", base: "main", title: "Fix", body: "first")
            let first = try await host.openOrUpdatePullRequest(request)
            var again = request
            again.body = "second"
            let second = try await host.openOrUpdatePullRequest(again)
            #expect(first.created && !second.created)
            #expect(first.number == second.number)
        }
        let pulls = await github.state.pullRequests["acme/shop"] ?? [:]
        #expect(pulls.count == 1)
        #expect(pulls.values.first?.body == "second")
        #expect(pulls.values.first?.draft == true)
    }
}
