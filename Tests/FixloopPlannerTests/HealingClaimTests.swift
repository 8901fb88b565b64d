@testable import FixloopCLI
import FixloopCore
import FixloopPlanner
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// The healing loop says a verdict only when its claim lands: a verdict another process claimed between this
/// process's read and its claim is not said again (no comment, no reopening).
@Suite(.serialized)
struct HealingClaimTests {
    let healing = HealingLoopTests()

    /// The GitHub scene of a fix whose bug came back (the verdict: regressed), its issue closed.
    func regressedFix(_ github: GitHubTestServer, server: LoopbackServer, root: URL) async throws -> [String: String] {
        let environment = ["GITHUB_API_URL": server.baseURL.absoluteString, "GITHUB_TOKEN": "test-token"]
        let pull = await github.state.addPullRequest("acme/shop", title: "Fix the charge", body: "Fixes #1", head: "fixloop/gh-acme-shop-1")
        try await healing.bugWeekAndAFix(root, plan: ["--sink", "github", "--issues-repo", "acme/shop"], environment: environment,
                                         ticket: "gh:acme/shop#2", repository: "acme/shop", branch: "fixloop/gh-acme-shop-1",
                                         pullRequest: "https://github.com/acme/shop/pull/\(pull)")
        await github.state.mergePullRequest("acme/shop", number: pull, commit: "f00d", at: HealingLoopTests.deploy)
        await github.state.setIssueState("acme/shop", number: 2, "closed")
        try await healing.score(PostHogWeekExport(start: HealingLoopTests.deploy + 3600, bug: 0, rare: 0, purchases: 30, prefix: "w2a"), root: root)
        try await healing.score(PostHogWeekExport(start: HealingLoopTests.deploy + 4 * HealingLoopTests.day, bug: 40, rare: 0, purchases: 30,
                                                  prefix: "w2b"), root: root)
        return environment
    }

    @Test func aVerdictAnotherProcessClaimedFirstIsNotSaidAgain() async throws {
        let github = GitHubTestServer()
        try await github.run { server in
            try await withTemporaryDirectory("fixloop-healing-claim") { root in
                let environment = try await regressedFix(github, server: server, root: root)
                let context = try CommandContext.make(environment: environment.merging([
                    "FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path, "PATH": "/usr/bin:/bin",
                ]) { $1 })
                let database = try healing.database(root)
                var loop = HealingLoop.make(context, backend: .sqlite(database))
                loop.store = ClaimedElsewhere(inner: SQLiteHealingStore(database: database), other: SQLiteHealingStore(database: try healing.database(root)))
                let result = try await loop.run()
                #expect(result.announced.isEmpty, "\(result.announced)")
                #expect(result.lives.first?.measurement?.verdict == .regressed && result.lives.first?.announced == .regressed, "\(result.lives)")
                #expect(await github.state.comments.isEmpty, "the other process says it")
                #expect(await github.state.issues["acme/shop"]?[2]?.state == "closed", "and reopens it")
            }
        }
    }

    @Test func aVerdictThatCouldNotBeSaidIsGivenBackAndSaidByTheNextRun() async throws {
        let github = GitHubTestServer()
        try await github.run { server in
            try await withTemporaryDirectory("fixloop-healing-release") { root in
                let environment = try await regressedFix(github, server: server, root: root)
                await github.state.fail("POST", pathPrefix: "/repos/acme/shop/issues/", status: 422, message: "comments are locked")
                var (status, text) = await healing.run(["outcomes"], root: root, environment: environment)
                #expect(status == 0 && text.contains("the regressed verdict could not be said") && !text.contains("said: gh:"), "\(text)")
                #expect(try await SQLiteHealingStore(database: try healing.database(root)).life(ticket: "gh:acme/shop#2")?.announced == nil,
                        "the claim was given back")
                (status, text) = await healing.run(["outcomes"], root: root, environment: environment)
                #expect(status == 0 && text.contains("said: gh:acme/shop#2: regressed, reopened"), "\(text)")
                #expect(await github.state.issues["acme/shop"]?[2]?.state == "open")
            }
        }
    }
}

/// A healing store where another process claims every verdict just before this one does.
struct ClaimedElsewhere: HealingStore {
    let inner: SQLiteHealingStore
    let other: SQLiteHealingStore

    func claimAnnouncement(ticket: String, verdict: HealingVerdict, replacing previous: HealingVerdict?) async throws -> Bool {
        #expect(try await other.claimAnnouncement(ticket: ticket, verdict: verdict, replacing: previous))
        return try await inner.claimAnnouncement(ticket: ticket, verdict: verdict, replacing: previous)
    }

    func recordMerge(_ merge: PullRequestMerge) async throws { try await inner.recordMerge(merge) }
    func merge(pullRequest: String) async throws -> PullRequestMerge? { try await inner.merge(pullRequest: pullRequest) }
    func sync(deployDelay: TimeInterval) async throws { try await inner.sync(deployDelay: deployDelay) }
    func lives() async throws -> [FixLife] { try await inner.lives() }
    func stateDeployed(ticket: String, at date: Date) async throws -> Bool { try await inner.stateDeployed(ticket: ticket, at: date) }
    func recordMeasurement(ticket: String, _ measurement: HealingMeasurement) async throws { try await inner.recordMeasurement(ticket: ticket, measurement) }
    func releaseAnnouncement(ticket: String, verdict: HealingVerdict, restoring previous: HealingVerdict?) async throws {
        try await inner.releaseAnnouncement(ticket: ticket, verdict: verdict, restoring: previous)
    }
    func recordAnnounced(ticket: String, verdict: HealingVerdict, reopened: Bool) async throws {
        try await inner.recordAnnounced(ticket: ticket, verdict: verdict, reopened: reopened)
    }
    func signatures(fingerprint: String) async throws -> (main: FailureSignature, variants: [FailureSignature], route: String)? {
        try await inner.signatures(fingerprint: fingerprint)
    }
    func commentOnLocalTicket(id: Int, _ text: String) async throws { try await inner.commentOnLocalTicket(id: id, text) }
}
