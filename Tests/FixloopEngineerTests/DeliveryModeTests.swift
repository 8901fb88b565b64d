@testable import FixloopEngineer
import FixloopCore
import FixloopGit
import FixloopPrompts
import FixloopTesting
import Foundation
import Testing

/// Delivery on a real git remote and an in-memory ``CodeHost``: what each mode pushes, opens and comments.
struct DeliveryModeTests {
    struct Scene {
        let root: URL
        let remote: URL
        let candidate: Engineer.Candidate
        let base: String
    }

    /// A bare remote, a clone of it with one change (the candidate), and the base commit.
    static func scene(_ root: URL) async throws -> Scene {
        let source = root.appendingPathComponent("source")
        let base = try await GitFixture.makeRepository(at: source, files: ["shop/cart.py": "def total(a, b):\n    return a - b\n"])
        let remote = try await GitFixture.makeBareRemote(from: source, at: root.appendingPathComponent("remote.git"))
        let candidate = try await candidate(from: remote, base: base, at: root.appendingPathComponent("candidate"))
        return Scene(root: root, remote: remote, candidate: candidate, base: base)
    }

    /// A clone of `remote` with the fix made in it, as a run's candidate copy is.
    static func candidate(from remote: URL, base: String, at work: URL) async throws -> Engineer.Candidate {
        try await GitCommandLine.run(["clone", "-q", remote.path, work.path])
        try GitFixture.write(["shop/cart.py": "def total(a, b):\n    return a + b\n"], in: work)
        let diff = try await GitWorkingCopy(directory: work).diff(from: base)
        return Engineer.Candidate(directory: work, diff: diff, rootCause: "total subtracted.", summary: "Add instead.")
    }

    static func target(_ scene: Scene, reference: TicketReference) throws -> Delivery.Target {
        Delivery.Target(
            ticket: Ticket(reference: reference.description, title: "Total is wrong", body: "It subtracts."),
            reference: reference, remote: try RepositoryReference(parsing: scene.remote.path), branch: "fixloop/gh-acme-shop-12-total",
            baseCommit: scene.base, testCommand: "python3 -m pytest", credentials: .none, runID: "run-1", runDirectory: scene.root,
            costUSD: 0.5)
    }

    static func delivery(_ host: InMemoryCodeHost) -> Delivery {
        Delivery(codeHost: host, author: GitSignature(name: "Fixloop", email: "fixloop@example.com"), prompts: PromptLibrary(),
                 trajectory: Trajectory(file: nil))
    }

    static var report: EngineerReport {
        var report = EngineerReport.ended(.fixed, "verified")
        report.rootCause = "total subtracted."
        report.reproduction = ["tests/test_cart.py::test_total"]
        return report
    }

    @Test func aPullRequestIsOpenedOnceOnTheDefaultBranchAndTheTicketHearsOfIt() async throws {
        try await withTemporaryDirectory("fixloop-delivery-pr") { root in
            let scene = try await Self.scene(root)
            let host = InMemoryCodeHost(defaultBranches: ["acme/shop": "trunk"])
            let target = try Self.target(scene, reference: .github(owner: "acme", name: "shop", number: 12))
            let mode = DeliveryMode.pullRequest(repository: nil, commentOnTicket: true)
            let first = try await Self.delivery(host).deliver(scene.candidate, report: Self.report, to: target, mode: mode)
            // A rerun works in a fresh copy, as a run does.
            let rerun = try await Self.candidate(from: scene.remote, base: scene.base, at: root.appendingPathComponent("rerun"))
            let second = try await Self.delivery(host).deliver(rerun, report: Self.report, to: target, mode: mode)

            #expect(first.pullRequest?.created == true && second.pullRequest?.created == false)
            let pulls = host.pullRequests
            #expect(pulls.count == 1)
            #expect(pulls.first.map { ($0.owner, $0.name, $0.head, $0.base, $0.draft) } ?? ("", "", "", "", false)
                == ("acme", "shop", "fixloop/gh-acme-shop-12-total", "trunk", true))
            #expect(pulls.first?.body.contains("total subtracted.") == true)
            #expect(pulls.first?.body.contains("run-1") == true)
            #expect(host.comments.map(\.issue) == [12, 12])
            #expect(host.labels == ["acme/shop#1": ["fixloop"]])
            #expect(pulls.first?.body.hasPrefix("Fixes #12\n") == true)
            #expect(host.comments.first?.body.contains("opened a draft pull request") == true)
            #expect(host.comments.last?.body.contains("updated a draft pull request") == true)
            #expect(try await GitFixture.revParse("refs/heads/fixloop/gh-acme-shop-12-total", in: scene.remote) != nil)
        }
    }

    @Test func theBotsProgressCommentStandsInForTheTicketComment() async throws {
        try await withTemporaryDirectory("fixloop-delivery-quiet") { root in
            let scene = try await Self.scene(root)
            let host = InMemoryCodeHost()
            let target = try Self.target(scene, reference: .github(owner: "acme", name: "shop", number: 12))
            _ = try await Self.delivery(host).deliver(scene.candidate, report: Self.report, to: target,
                                                      mode: .pullRequest(repository: "acme/shop-mirror", commentOnTicket: false))
            #expect(host.pullRequests.map(\.name) == ["shop-mirror"])
            #expect(host.comments.isEmpty)
        }
    }

    @Test func branchOnlyPushesTheCommitAndOpensNothing() async throws {
        try await withTemporaryDirectory("fixloop-delivery-branch") { root in
            let scene = try await Self.scene(root)
            let host = InMemoryCodeHost()
            let delivered = try await Self.delivery(host).deliver(
                scene.candidate, report: Self.report, to: try Self.target(scene, reference: .local(id: 1)), mode: .branchOnly)
            #expect(delivered.branch == "fixloop/gh-acme-shop-12-total" && delivered.pullRequest == nil)
            #expect(host.pullRequests.isEmpty && host.comments.isEmpty)
            let pushed = try #require(try await GitFixture.revParse("refs/heads/fixloop/gh-acme-shop-12-total", in: scene.remote))
            let message = try await GitCommandLine.run(["log", "-1", "--format=%B", pushed], in: scene.remote).output
            #expect(message.contains("Fix: Total is wrong") && message.contains("Fixloop-Ticket: local:1") && message.contains("Fixloop-Run: run-1"))
        }
    }

    @Test func patchOnlyWritesThePatchAndPushesNothing() async throws {
        try await withTemporaryDirectory("fixloop-delivery-patch") { root in
            let scene = try await Self.scene(root)
            let host = InMemoryCodeHost()
            let delivered = try await Self.delivery(host).deliver(
                scene.candidate, report: Self.report, to: try Self.target(scene, reference: .local(id: 1)), mode: .patchOnly)
            #expect(try String(contentsOfFile: delivered.patchFile, encoding: .utf8) == scene.candidate.diff.patch)
            #expect(delivered.branch == nil && host.pullRequests.isEmpty)
            #expect(try await GitFixture.revParse("refs/heads/fixloop/gh-acme-shop-12-total", in: scene.remote) == nil)
        }
    }

    @Test func aPullRequestWithNoRepositoryToTellIsRefusedAfterThePush() async throws {
        try await withTemporaryDirectory("fixloop-delivery-nowhere") { root in
            let scene = try await Self.scene(root)
            let host = InMemoryCodeHost()
            let error = await #expect(throws: EngineerError.self) {
                try await Self.delivery(host).deliver(scene.candidate, report: Self.report, to: try Self.target(scene, reference: .local(id: 1)),
                                                      mode: .pullRequest(repository: nil, commentOnTicket: true))
            }
            #expect(error?.code == "engineer.no_pr_repository")
            #expect(error?.message.contains("--pr-repo") == true)
            #expect(host.pullRequests.isEmpty)
        }
    }
}
