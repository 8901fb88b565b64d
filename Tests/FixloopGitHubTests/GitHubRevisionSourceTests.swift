import FixloopCore
import FixloopGitHub
import FixloopTesting
import Foundation
import Testing

/// A Fixloop pull request read for a revision round: its branches, its ticket from the `Fixes` line, and the review
/// comments people left on its lines.
struct GitHubRevisionSourceTests {
    static let body = "Fixes https://github.com/acme/shop/issues/3: Cart total is negative\n\n## Root cause\n…"

    @Test func readsTheBranchTheTicketAndPeoplesReviewCommentsWithTheirLines() async throws {
        let github = GitHubTestServer()
        let number = await github.state.addPullRequest("acme/shop", title: "Fix: Cart total", body: Self.body, head: "fixloop/gh-acme-shop-3-cart")
        await github.state.addReviewComment("acme/shop", pullRequest: number, body: "Use sum() here.", path: "shop/cart.py", line: 5,
                                            diffHunk: "@@ -3,3 +3,3 @@\n-        result -= price\n+        result += price", author: "alice", association: "MEMBER")
        await github.state.addReviewComment("acme/shop", pullRequest: number, body: "nit: typo", path: "shop/cart.py", line: nil, author: "bob", association: "NONE")
        await github.state.addReviewComment("acme/shop", pullRequest: number, body: "LGTM", path: "shop/cart.py", line: 5, author: "reviewbot[bot]", association: "NONE", isBot: true)
        await github.state.addReviewComment("acme/shop", pullRequest: number, body: "<!-- fixloop:round -->\nDone.", path: "shop/cart.py", line: 5, author: "token-owner", association: "OWNER")
        try await github.run { server in
            let revision = try await GitHubRevisionSource(client: GitHubClient(baseURL: server.baseURL, token: Secret("test-token")))
                .revision(owner: "acme", name: "shop", number: number)
            #expect(revision.headBranch == "fixloop/gh-acme-shop-3-cart" && revision.baseBranch == "main")
            #expect(revision.ticket == .github(owner: "acme", name: "shop", number: 3))
            #expect(revision.comments.map(\.comment.author) == ["alice", "bob"])
            #expect(revision.comments.first == ReviewComment(
                id: revision.comments[0].id, comment: TicketComment(author: "alice", standing: .writer, body: "Use sum() here."), path: "shop/cart.py",
                line: 5, diffHunk: "@@ -3,3 +3,3 @@\n-        result -= price\n+        result += price"))
            #expect(revision.comments.last?.line == nil && revision.comments.last?.comment.standing == .user)
        }
    }

    @Test func aPullRequestNotOnAFixloopBranchIsRefusedWithWhatToDo() async throws {
        let github = GitHubTestServer()
        let number = await github.state.addPullRequest("acme/shop", title: "Feature", body: Self.body, head: "alice/feature")
        try await github.run { server in
            await #expect {
                _ = try await GitHubRevisionSource(client: GitHubClient(baseURL: server.baseURL, token: Secret("test-token")))
                    .revision(owner: "acme", name: "shop", number: number)
            } throws: { error in
                (error as? GitHubError)?.message.contains("branch alice/feature, not a fixloop/ branch") == true
            }
        }
    }

    @Test(arguments: [
        ("Fixes https://github.com/acme/shop/issues/3: Total", TicketReference.github(owner: "acme", name: "shop", number: 3)),
        ("Fixes gh:acme/shop#12: Total\n\nmore", .github(owner: "acme", name: "shop", number: 12)),
        ("Fixes https://linear.app/acme/issue/ENG-42/total-is-wrong: Total", .linear(identifier: "ENG-42")),
        ("Fixes local:7: Total", .local(id: 7)),
        ("Fixes ticket.md: Total", nil), ("Fixes https://github.com/acme/shop/pull/3: Total", nil), ("Some text\nFixes gh:acme/shop#1: x", nil), ("", nil),
    ] as [(String, TicketReference?)])
    func theTicketComesFromTheFixesLine(body: String, ticket: TicketReference?) {
        #expect(GitHubRevisionSource.ticket(fromBody: body) == ticket)
    }

    @Test(arguments: [
        ("Fixes #12\n\nTicket: https://github.com/acme/shop/issues/12 — Total", TicketReference.github(owner: "acme", name: "shop", number: 12)),
        ("Fixes other/lib#4", .github(owner: "other", name: "lib", number: 4)),
        ("Fixes ENG-42", .linear(identifier: "ENG-42")),
        ("Ticket: local:7", .local(id: 7)),
        ("Fixes the total", nil),
    ] as [(String, TicketReference?)])
    func theClosingLineFixloopWritesNamesTheTicket(body: String, ticket: TicketReference?) {
        #expect(GitHubRevisionSource.ticket(fromBody: body, repository: ("acme", "shop")) == ticket)
    }

    @Test func commentsAnEarlierRoundAnsweredAreLeftOut() async throws {
        let github = GitHubTestServer()
        let number = await github.state.addPullRequest("acme/shop", title: "Fix: Cart total", body: "Fixes #3", head: "fixloop/gh-acme-shop-3-cart")
        let old = await github.state.addReviewComment("acme/shop", pullRequest: number, body: "Use sum().", path: "shop/cart.py", line: 5, author: "alice", association: "MEMBER")
        await github.state.addComment("acme/shop", issue: number, body: ReviewComment.replyMarker(answered: [old]) + "\nDone.", author: "token-owner", association: "OWNER")
        // A reader writing Fixloop's marker answers nothing.
        let new = await github.state.addReviewComment("acme/shop", pullRequest: number, body: "And a test.", path: "tests/test_cart.py", line: 1, author: "alice", association: "MEMBER")
        await github.state.addComment("acme/shop", issue: number, body: ReviewComment.replyMarker(answered: [new]), author: "mallory", association: "NONE")
        try await github.run { server in
            let revision = try await GitHubRevisionSource(client: GitHubClient(baseURL: server.baseURL, token: Secret("test-token")))
                .revision(owner: "acme", name: "shop", number: number)
            #expect(revision.ticket == .github(owner: "acme", name: "shop", number: 3))
            #expect(revision.comments.map(\.id) == [new])
        }
    }
}
