@testable import FixloopCLI
import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// `fixloop revise` from the command line: `fix` opens the pull request, a writer reviews a line, and one round —
/// a scripted model on loopback, the real sandbox, the loopback GitHub server — answers it with one new commit on top
/// of the branch and one reply on the same pull request.
@Suite(.serialized)
struct ReviseEndToEndTests {
    let e2e = FixEndToEndTests()
    static let branch = "fixloop/gh-acme-shop-1-cart-total-is-negative"

    /// `fix` on issue 1 of acme/shop opens pull request 2 with one commit; returns that commit.
    func openPullRequest(_ scene: FixEndToEndTests.Scene, model: LoopbackModelServer, github: LoopbackServer) async throws -> String {
        await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall]))
        let (status, text) = await e2e.run(["fix", "--ticket", "gh:acme/shop#1", "--repo", scene.remote.path, "--model", "openai:test-model", "--json"],
                                           model: model, github: github, scene: scene)
        try #require(status == 0, "\(text)")
        return try #require(try await GitFixture.revParse("refs/heads/\(Self.branch)", in: scene.remote))
    }

    func revise(_ scene: FixEndToEndTests.Scene, model: LoopbackModelServer, github: LoopbackServer, _ extra: [String] = []) async -> (Int32, String) {
        await e2e.run(["revise", "--pr", "gh:acme/shop#2", "--repo", scene.remote.path, "--model", "openai:test-model", "--json"] + extra,
                      model: model, github: github, scene: scene)
    }

    static func submit(_ summary: String) -> ScriptedToolCall {
        ScriptedToolCall(id: "call-submit-round", name: "submit", arguments: .object([
            "root_cause": .string("total subtracted each price instead of adding it."), "summary": .string(summary)]))
    }

    @Test func aWritersReviewCommentBecomesOneNewCommitOnTopAndOneReplyNamingIt() async throws {
        try await withTemporaryDirectory("fixloop-revise") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["bug"])
            try await withLoopbackModelServer(.openAI) { model in
                try await github.run { server in
                    let first = try await openPullRequest(scene, model: model, github: server)
                    let comment = await github.state.addReviewComment(
                        "acme/shop", pullRequest: 2, body: "Say that prices are in cents here.", path: "shop/cart.py", line: 5,
                        diffHunk: "@@ -2,4 +2,4 @@\n-        result -= price\n+        result += price", author: "alice", association: "MEMBER")
                    await model.enqueue(.toolCalls([
                        FixEndToEndTests.fixCall(search: "        result += price", replace: "        result += price  # in cents"),
                        Self.submit("[C\(comment)] Said that prices are in cents on the line.\n[REQUEST] Kept the loop as it is."),
                    ]))
                    let (status, text) = await revise(scene, model: model, github: server, ["--instructions", "Keep the loop."])
                    #expect(status == 0, "\(text)")
                    let report = try e2e.json(text)
                    #expect(report["result"] as? String == "revised")
                    #expect(report["answered"] as? [Int] == [comment])
                    let head = try #require(try await GitFixture.revParse("refs/heads/\(Self.branch)", in: scene.remote))
                    #expect(report["commit"] as? String == head)
                    let parent = try await GitCommandLine.run(["rev-parse", "\(head)^"], in: scene.remote).output.trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(parent == first, "exactly one new commit, on top of the first")
                    let cart = try await GitCommandLine.run(["show", "\(head):shop/cart.py"], in: scene.remote).output
                    #expect(cart.contains("result += price  # in cents"))

                    let (shown, trajectory) = await e2e.run(["show", try #require(report["run_id"] as? String)], model: model, github: server, scene: scene)
                    #expect(shown == 0)
                    #expect(trajectory.contains("revision round of gh:acme/shop#2"), "\(trajectory)")
                    let (listed, rounds) = await e2e.run(["show", "--pr", "gh:acme/shop#2"], model: model, github: server, scene: scene)
                    let runID = try #require(report["run_id"] as? String)
                    #expect(listed == 0 && rounds.contains(runID) && rounds.contains("fixed"), "\(rounds)")
                }
            }
            let pulls = await github.state.pullRequests["acme/shop"] ?? [:]
            #expect(pulls.count == 1 && pulls[2]?.head == Self.branch)
            #expect(pulls[2]?.body.hasPrefix("Fixes #1") == true)
            let replies = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(replies.count == 1)
            let reply = try #require(replies.first)
            #expect(reply.hasPrefix("<!-- fixloop:revision answered="))
            #expect(reply.contains("@alice on `shop/cart.py` line 5") && reply.contains("Said that prices are in cents on the line."), "\(reply)")
            #expect(reply.contains("Kept the loop as it is."))
        }
    }

    @Test func aRoundThatChangesNothingSaysSoOnceAndPushesNothing() async throws {
        try await withTemporaryDirectory("fixloop-revise-none") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["bug"])
            try await withLoopbackModelServer(.openAI) { model in
                try await github.run { server in
                    let first = try await openPullRequest(scene, model: model, github: server)
                    let comment = await github.state.addReviewComment(
                        "acme/shop", pullRequest: 2, body: "Why not sum()?", path: "shop/cart.py", line: 5, author: "alice", association: "OWNER")
                    await model.enqueue(.toolCalls([Self.submit("[C\(comment)] The loop is the smallest change; sum() would do the same.")]))
                    let (status, text) = await revise(scene, model: model, github: server)
                    #expect(status == 1, "\(text)")
                    #expect(try e2e.json(text)["result"] as? String == "unchanged")
                    #expect(try await GitFixture.revParse("refs/heads/\(Self.branch)", in: scene.remote) == first)
                }
            }
            let replies = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(replies.count == 1)
            #expect(replies.first?.contains("no change") == true && replies.first?.contains("sum() would do the same") == true, "\(replies)")
        }
    }

    @Test func aBranchThatMovesDuringTheRoundIsNeverForcedOver() async throws {
        try await withTemporaryDirectory("fixloop-revise-moved") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["bug"])
            try await withLoopbackModelServer(.openAI) { model in
                try await github.run { server in
                    _ = try await openPullRequest(scene, model: model, github: server)
                    let before = await model.received().count
                    let comment = await github.state.addReviewComment(
                        "acme/shop", pullRequest: 2, body: "Say the unit.", path: "shop/cart.py", line: 5, author: "alice", association: "OWNER")
                    // The model answers late; meanwhile a person pushes to the branch.
                    await model.enqueue(.after(.seconds(4), .toolCalls([
                        FixEndToEndTests.fixCall(search: "        result += price", replace: "        result += price  # in cents"),
                        Self.submit("[C\(comment)] Said it."),
                    ])))
                    async let round = revise(scene, model: model, github: server)
                    for _ in 0..<600 where await model.received().count == before { try await Task.sleep(for: .milliseconds(100)) }
                    let human = root.appendingPathComponent("human")
                    _ = try await GitCommandLine.run(["clone", "-q", "-b", Self.branch, scene.remote.path, human.path])
                    try "# notes\n".write(to: human.appendingPathComponent("NOTES.md"), atomically: true, encoding: .utf8)
                    _ = try await GitCommandLine.run(["add", "NOTES.md"], in: human)
                    _ = try await GitCommandLine.run(["-c", "user.name=Alice", "-c", "user.email=alice@example.com", "commit", "-qm", "notes"], in: human)
                    _ = try await GitCommandLine.run(["push", "-q", "origin", Self.branch], in: human)
                    let pushed = try await GitCommandLine.run(["rev-parse", "HEAD"], in: human).output.trimmingCharacters(in: .whitespacesAndNewlines)
                    let (status, text) = await round
                    #expect(status == 1, "\(text)")
                    #expect(try e2e.json(text)["result"] as? String == "branch_moved")
                    #expect(try await GitFixture.revParse("refs/heads/\(Self.branch)", in: scene.remote) == pushed, "the person's commit is still the head")
                }
            }
            let replies = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(replies.count == 1 && replies.first?.contains("never force-pushes") == true, "\(replies)")
            #expect(replies.first.map(ReviewComment.answeredIDs(inReply:))?.isEmpty == true)
        }
    }
}
