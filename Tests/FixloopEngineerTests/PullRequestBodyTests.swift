@testable import FixloopEngineer
import FixloopCore
import FixloopGitHub
import FixloopPrompts
import FixloopTesting
import Foundation
import Testing

/// What the reviewing engineer reads: the closing keyword GitHub and Linear act on, who the bug hurt, the model,
/// and a test table that says what it left out — and the `fixloop` label on the pull request.
struct PullRequestBodyTests {
    @Test(arguments: [
        (TicketReference.github(owner: "acme", name: "shop", number: 12), "Fixes #12"),
        (.github(owner: "Acme", name: "Shop", number: 12), "Fixes #12"),
        (.github(owner: "acme", name: "tracker", number: 7), "Fixes acme/tracker#7"),
        (.linear(identifier: "ENG-42"), "Fixes ENG-42"),
        (.local(id: 3), "Ticket: local:3"),
    ])
    func theFirstLineIsAClosingKeywordTheTrackerActsOn(reference: TicketReference, expected: String) {
        #expect(PullRequestBody.closingLine(for: reference, pullRequestOn: ("acme", "shop")) == expected)
    }

    static func target(pattern: PatternEvidence?) throws -> Delivery.Target {
        Delivery.Target(
            ticket: Ticket(reference: "local:1", title: "Checkout refuses discounted carts", body: "", pattern: pattern),
            reference: .local(id: 1), remote: try RepositoryReference(parsing: "https://github.com/acme/shop"), branch: "fixloop/local-1",
            baseCommit: "abc123", testCommand: "python3 -m pytest", credentials: .none, runID: "run-1", runDirectory: URL(fileURLWithPath: "/tmp"),
            costUSD: 0.25, model: ModelSpec(provider: .anthropic, name: "claude-sonnet-4-5"))
    }

    static let pattern = PatternEvidence(
        pattern: "fp", kind: "server error", route: "/checkout", signature: "server error /checkout", frames: [], messages: [],
        examples: (1...7).map { .init(sessionID: "session-\($0)", score: 2, blurb: []) }, suspectedCode: [],
        impact: .init(sessions: 41, users: 38, routeShare: 0.123, meanScore: 2.14, baselineScore: 7.4,
                      firstSeen: Date(timeIntervalSince1970: 1_748_822_400), lastSeen: Date(timeIntervalSince1970: 1_749_340_800)))

    static func report() -> EngineerReport {
        var report = EngineerReport.ended(.fixed, "verified")
        report.rootCause = "Cart.total added the discount."
        report.reproduction = ["tests/test_fixloop_reproduction.py::test_discount"]
        return report
    }

    @Test func theUserImpactSectionComesFromTheTicketsPattern() throws {
        let body = PullRequestBody(report: Self.report(), target: try Self.target(pattern: Self.pattern), repository: ("acme", "shop"))
        let text = try PromptLibrary().render(body).text
        #expect(text.contains("## User impact\n41 sessions by 38 users hit this — 12% of the sessions on `/checkout` — from 2025-06-02 to 2025-06-08."))
        #expect(text.contains("mean implied score was 2.1 against 7.4"))
        #expect(text.contains("`session-5`") && !text.contains("`session-6`"))
        #expect(text.contains("## Model and cost\nclaude-sonnet-4-5 (anthropic), $0.2500"))
        let without = try PromptLibrary().render(PullRequestBody(report: Self.report(), target: try Self.target(pattern: nil), repository: ("acme", "shop"))).text
        #expect(!without.contains("User impact"))
    }

    @Test func aTableCutAtItsLastRowSaysHowManyMore() throws {
        let rows = (1...30).map { PullRequestBody.TestRow(id: "t\($0)", before: "passed", after: "passed") }
        let body = PullRequestBody(ticketLink: "local:1", ticketTitle: "t", rootCause: "r", changeSummary: "c", files: [],
                                   tests: Array(rows.prefix(25)), reproductionTest: nil, cost: "$0", reverifyCommand: "v", runID: "run-1",
                                   moreTests: 5)
        let text = try PromptLibrary().render(body).text
        #expect(text.contains("| `t25` | passed | passed |\n\n…and 5 more"))
    }

    @Test func theLabelLandsOnThePullRequestOnTheGitHubServer() async throws {
        let github = GitHubTestServer()
        try await github.run { server in
            let host = GitHubCodeHost(client: GitHubClient(baseURL: server.baseURL, token: Secret("test-token")))
            let pull = try await host.openOrUpdatePullRequest(PullRequestRequest(
                owner: "acme", name: "shop", head: "fixloop/local-1", base: "main", title: "Fix", body: "b"))
            try await host.addLabels(owner: "acme", name: "shop", issue: pull.number, labels: [Delivery.label])
            try await host.addLabels(owner: "acme", name: "shop", issue: pull.number, labels: [Delivery.label])
        }
        #expect(await github.state.pullRequests["acme/shop"]?.values.first?.labels == ["fixloop"])
        let calls = await github.state.requests.filter { $0.path.hasSuffix("/labels") }
        #expect(calls.map(\.method) == ["POST", "POST"])
        #expect(calls.first?.path == "/repos/acme/shop/issues/1/labels")
        #expect(calls.first?.body.contains(#""labels":["fixloop"]"#) == true)
    }
}
