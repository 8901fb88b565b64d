import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Testing

/// What asked for a fix gets a 👀 reaction on GitHub at once, and the job remembers who asked.
@Suite(.serialized)
struct ReactionTests {
    @Test func aLabelGetsTheReactionOnTheIssueAndTheJobNamesWhoLabelledIt() async throws {
        try await WebhookEndpointTests().withScene { scene in
            let (status, _) = try await scene.post(WebhookEndpointTests.labelled)
            #expect(status == 202)
            await scene.followUps.drain()
            let reactions = await scene.github.reactions
            #expect(reactions == [.init(repository: "acme/shop", issue: 3, comment: nil, content: "eyes")])
            let job = try #require(try await scene.store.jobs(state: nil, limit: 1).first)
            #expect(job.requester == "alice")
        }
    }

    @Test func aCommandGetsTheReactionOnItsComment() async throws {
        try await WebhookEndpointTests().withScene { scene in
            let id = await scene.github.addComment("acme/shop", issue: 4, body: "/fixloop fix", author: "bob", association: "OWNER")
            let body = """
                {"action": "created", "issue": {"number": 4, "title": "Issue 4"}, "repository": {"full_name": "acme/shop"},
                 "comment": {"id": \(id), "body": "/fixloop fix", "user": {"login": "bob", "type": "User"}, "author_association": "OWNER"},
                 "sender": {"login": "bob"}}
                """
            let (status, text) = try await scene.post(body, event: "issue_comment")
            #expect(status == 202 && text.contains("queued"), "\(text)")
            await scene.followUps.drain()
            let reactions = await scene.github.reactions
            #expect(reactions == [.init(repository: "acme/shop", issue: nil, comment: id, content: "eyes")])
            let requests = await scene.github.requests.filter { $0.path.hasSuffix("/reactions") }
            #expect(requests.map(\.path) == ["/repos/acme/shop/issues/comments/\(id)/reactions"] && requests.first?.body.contains("\"eyes\"") == true)
            #expect(try await scene.store.jobs(state: nil, limit: 1).first?.requester == "bob")
        }
    }
}
