@testable import FixloopEngineer
import FixloopCore
import FixloopGit
import FixloopPrompts
import FixloopTesting
import Foundation
import Testing

/// The person who asked for the fix: the commit's co-author, asked to review the pull request when they can.
struct DeliveryRequesterTests {
    static let alice = CodeHostAccount(login: "alice", name: "Alice Liddell", email: "583231+alice@users.noreply.github.com")

    func deliver(_ host: InMemoryCodeHost, requester: String?, in root: URL) async throws -> (message: String, trajectory: [Trajectory.Event], body: String) {
        let scene = try await DeliveryModeTests.scene(root)
        var target = try DeliveryModeTests.target(scene, reference: .github(owner: "acme", name: "shop", number: 12))
        target.requester = requester
        let trajectory = Trajectory(file: nil)
        let delivery = Delivery(codeHost: host, author: GitSignature(name: "Fixloop", email: "fixloop@example.com"), prompts: PromptLibrary(),
                                trajectory: trajectory)
        _ = try await delivery.deliver(scene.candidate, report: DeliveryModeTests.report, to: target,
                                       mode: .pullRequest(repository: nil, commentOnTicket: false))
        let pushed = try #require(try await GitFixture.revParse("refs/heads/fixloop/gh-acme-shop-12-total", in: scene.remote))
        let message = try await GitCommandLine.run(["log", "-1", "--format=%B", pushed], in: scene.remote).output
        return (message, await trajectory.events, host.pullRequests.first?.body ?? "")
    }

    @Test func theRequesterIsTheCommitsCoAuthorAndIsAskedToReview() async throws {
        try await withTemporaryDirectory("fixloop-delivery-requester") { root in
            let host = InMemoryCodeHost(accounts: ["alice": Self.alice])
            let (message, _, body) = try await deliver(host, requester: "alice", in: root)
            #expect(message.contains("Fixloop-Run: run-1\nCo-authored-by: Alice Liddell <583231+alice@users.noreply.github.com>"))
            #expect(host.reviewRequests == ["acme/shop#1": ["alice"]])
            #expect(body.contains("\nAsked for by @alice.\n"))
        }
    }

    @Test func someoneWhoCannotReviewIsSkippedWithALineAndThePullRequestStands() async throws {
        try await withTemporaryDirectory("fixloop-delivery-reader") { root in
            let host = InMemoryCodeHost(cannotReview: ["mallory"])
            let (message, events, _) = try await deliver(host, requester: "mallory", in: root)
            #expect(host.pullRequests.count == 1 && host.reviewRequests.isEmpty)
            #expect(events.contains { $0.kind == "review_request_skipped" && $0.detail.contains("mallory") })
            #expect(events.contains { $0.kind == "co_author_skipped" } && !message.contains("Co-authored-by"), "no account, no trailer")
        }
    }

    @Test func nobodyInParticularMeansNoTrailerAndNoReviewRequest() async throws {
        try await withTemporaryDirectory("fixloop-delivery-nobody") { root in
            let host = InMemoryCodeHost(accounts: ["alice": Self.alice])
            let (message, _, body) = try await deliver(host, requester: nil, in: root)
            #expect(!message.contains("Co-authored-by") && host.reviewRequests.isEmpty && !body.contains("Asked for by"))
        }
    }
}
