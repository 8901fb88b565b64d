import FixloopCore
import FixloopGitHub
import FixloopTesting
import Foundation
import Testing

/// The requester on GitHub: a review request that a 422 turns into "skipped", and an account for the co-author trailer.
struct GitHubPeopleTests {
    @Test func aCollaboratorIsAskedToReviewAndAStrangerOrTheAuthorIsRefusedWithoutAnError() async throws {
        let github = GitHubTestServer()
        await github.state.setPermission("acme/shop", user: "alice", "write")
        try await github.run { server in
            let host = GitHubCodeHost(client: GitHubClient(baseURL: server.baseURL, token: Secret("test-token")))
            let pull = try await host.openOrUpdatePullRequest(PullRequestRequest(owner: "acme", name: "shop", head: "fixloop/1-x", base: "main", title: "Fix", body: "b"))
            let collaborator = try await host.requestReview(owner: "acme", name: "shop", pullRequest: pull.number, reviewers: ["alice"])
            let stranger = try await host.requestReview(owner: "acme", name: "shop", pullRequest: pull.number, reviewers: ["mallory"])
            let author = try await host.requestReview(owner: "acme", name: "shop", pullRequest: pull.number, reviewers: ["token-owner"])
            #expect(collaborator && !stranger && !author)
            await #expect(throws: GitHubError.self) {
                _ = try await host.requestReview(owner: "acme", name: "shop", pullRequest: 99, reviewers: ["alice"])
            }
        }
        #expect(await github.state.reviewRequests == ["acme/shop#1": ["alice"]])
    }

    @Test func anAccountBecomesANoreplyCoAuthorAndAnUnknownLoginIsNil() async throws {
        let github = GitHubTestServer()
        await github.state.addUser("alice", id: 583231, name: "Alice Liddell")
        await github.state.addUser("bob", id: 42, name: nil)
        try await github.run { server in
            let host = GitHubCodeHost(client: GitHubClient(baseURL: server.baseURL, token: Secret("test-token")))
            let alice = try await host.account(login: "alice")
            let bob = try await host.account(login: "bob")
            let nobody = try await host.account(login: "nobody")
            #expect(alice?.coAuthorTrailer == "Co-authored-by: Alice Liddell <583231+alice@users.noreply.github.com>")
            #expect(bob?.coAuthorTrailer == "Co-authored-by: bob <42+bob@users.noreply.github.com>")
            #expect(nobody == nil)
        }
    }
}
