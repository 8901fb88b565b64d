@testable import FixloopCLI
import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Testing

/// Rebase rounds in `serve`: a signed `push` to the default branch → a rebase round for each open Fixloop pull
/// request on it → the worker fetches, replays Fixloop's commits onto the new base (libgit2), re-runs the tests in the
/// real sandbox and pushes with a lease; a conflict is reported in one comment and the branch is left alone. No model
/// takes part in the round (the scripted model only opens the pull request).
@Suite(.serialized)
struct ServeRebaseTests {
    let e2e = FixEndToEndTests()
    let serve = ServeRevisionTests()
    static let branch = ReviseEndToEndTests.branch

    static func push(head: String) -> String {
        """
        {"ref": "refs/heads/main", "before": "0000", "after": "\(head)", "deleted": false,
         "repository": {"full_name": "acme/shop", "default_branch": "main"}, "sender": {"login": "alice"}}
        """
    }

    /// Commits `files` on main in the scene's source and pushes main to the remote. - Returns: the new base.
    func moveBase(_ scene: FixEndToEndTests.Scene, _ files: [String: String], message: String) async throws -> String {
        let source = scene.root.appendingPathComponent("source")
        try GitFixture.write(files, in: source)
        let id = try await GitFixture.commitAll(in: source, message: message)
        try await GitCommandLine.run(["push", "-q", scene.remote.path, "main"], in: source)
        return id
    }

    /// Opens the pull request, moves the base with `changes` (one commit each), delivers the push and runs the round.
    /// - Returns: the branch's head before, the new base, the job, the pull request's comments and `fixloop show --pr`.
    func round(_ root: URL, changes: [[String: String]], maxBehind: Int = 1)
        async throws -> (first: String, base: String, remote: URL, job: Job?, comments: [String], shown: String) {
        let scene = try await e2e.makeScene(root)
        let github = GitHubTestServer()
        await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["bug"])
        var settings = ServeSettings()
        settings.maxBehind = maxBehind
        let (first, base, job, shown) = try await withLoopbackModelServer(.openAI) { model in
            try await github.run { server in
                let first = try await ReviseEndToEndTests().openPullRequest(scene, model: model, github: server)
                var base = ""
                for (index, files) in changes.enumerated() { base = try await moveBase(scene, files, message: "base moves \(index)") }
                let job = try await serve.withBot(scene, model: model, github: server, settings: settings) { bot in
                    #expect(try await serve.deliver("push", Self.push(head: base), id: "p-1", to: bot) == 202)
                    await bot.wiring.followUps.drain()
                    // The same push delivered again under another id starts nothing more.
                    try await serve.deliver("push", Self.push(head: base), id: "p-2", to: bot)
                    await bot.wiring.followUps.drain()
                    let queued = try await bot.wiring.store.jobs(state: nil, limit: 5)
                    #expect(queued.count == 1 && queued.first?.kind == .rebase, "\(queued)")
                    #expect(try await bot.wiring.workers.runNext(worker: "test-w0"))
                    return try await bot.wiring.store.jobs(state: nil, limit: 5).first
                }
                let (_, shown) = await e2e.run(["show", "--pr", "gh:acme/shop#2"], model: model, github: server, scene: scene)
                return (first, base, job, shown)
            }
        }
        let comments = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
        return (first, base, scene.remote, job, comments, shown)
    }

    @Test func aBaseThatMovedCleanlyIsRebasedOntoReverifiedAndPushedWithALease() async throws {
        try await withTemporaryDirectory("fixloop-serve-rebase") { root in
            let result = try await round(root, changes: [["shop/tax.py": "RATE = 0\n"], ["docs/notes.md": "cents\n"]])
            #expect(result.job?.state == .done, "\(String(describing: result.job))")
            let head = try #require(try await GitFixture.revParse("refs/heads/\(Self.branch)", in: result.remote))
            let parent = try await GitCommandLine.run(["rev-parse", "\(head)^"], in: result.remote).output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(head != result.first && parent == result.base, "the branch's one commit now sits on the new base")
            #expect(result.comments.count == 1 && result.comments.first?.contains("Rebased onto `main`") == true, "\(result.comments)")
            #expect(result.comments.first?.contains("test_total_of_two") == true, "the reproduction was re-run: \(result.comments)")
            // ROUND KIND RUN STATUS …
            let rounds = result.shown.split(separator: "\n").filter { $0.contains("run-") }.map { $0.split(separator: " ").map(String.init) }
            #expect(rounds.count == 1 && rounds.first?[1] == "rebase" && rounds.first?[3] == "fixed",
                    "show --pr lists the rebase round as a run of kind rebase: \(result.shown)")
        }
    }

    @Test func aConflictingBaseIsReportedWithThePathAndTheBranchIsUntouched() async throws {
        try await withTemporaryDirectory("fixloop-serve-rebase-conflict") { root in
            var cart = FixEndToEndTests.files["shop/cart.py"]!
            cart = cart.replacingOccurrences(of: "        result -= price", with: "        result = result - price")
            let result = try await round(root, changes: [["shop/cart.py": cart], ["docs/notes.md": "cents\n"]])
            #expect(result.job?.state == .failed, "\(String(describing: result.job))")
            #expect(try await GitFixture.revParse("refs/heads/\(Self.branch)", in: result.remote) == result.first, "the remote branch is untouched")
            #expect(result.comments.count == 1 && result.comments.first?.contains("shop/cart.py") == true, "\(result.comments)")
        }
    }

    @Test func aBranchWithinMaxBehindIsLeftAloneWithoutACommentAndTheRoundIsNotCounted() async throws {
        try await withTemporaryDirectory("fixloop-serve-rebase-within") { root in
            let result = try await round(root, changes: [["shop/tax.py": "RATE = 0\n"]], maxBehind: 20)
            #expect(result.job?.state == .cancelled, "\(String(describing: result.job))")
            #expect(try await GitFixture.revParse("refs/heads/\(Self.branch)", in: result.remote) == result.first)
            #expect(result.comments.isEmpty, "\(result.comments)")
        }
    }
}
