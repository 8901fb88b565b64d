import FixloopCore
import FixloopGitHub
import FixloopTesting
import Foundation
import Testing

struct GitHubClientTests {
    func client(_ server: LoopbackServer, token: String = "test-token", sleeper: RecordingSleeper = RecordingSleeper()) -> GitHubClient {
        var client = GitHubClient(baseURL: server.baseURL, token: Secret(token))
        client.retry.sleep = sleeper.sleep
        return client
    }

    @Test func readsAnIssueAndCommentsOnIt() async throws {
        let github = GitHubTestServer()
        let number = await github.state.addIssue("acme/shop", title: "Total wrong", body: "steps", labels: ["bug"])
        try await github.run { server in
            let client = client(server)
            let issue = try await client.issue("acme", "shop", number: number)
            #expect(issue.title == "Total wrong" && issue.labels.map(\.name) == ["bug"])
            let comment = try await client.createComment("acme", "shop", issue: number, body: "queued")
            _ = try await client.updateComment("acme", "shop", id: comment.id, body: "fixing")
            #expect(try await client.comments("acme", "shop", issue: number).map(\.body) == ["fixing"])
        }
        #expect(await github.state.comments.map(\.body) == ["fixing"])
    }

    @Test func opensADraftPullRequestAndFindsItByHead() async throws {
        let github = GitHubTestServer()
        try await github.run { server in
            let client = client(server)
            let created = try await client.createPullRequest("acme", "shop", title: "Fix", body: "b", head: "fixloop/1-x", base: "main", draft: true)
            #expect(created.draft == true && created.head.ref == "fixloop/1-x")
            let found = try await client.pullRequests("acme", "shop", head: "acme:fixloop/1-x")
            #expect(found.map(\.number) == [created.number])
            let updated = try await client.updatePullRequest("acme", "shop", number: created.number, title: "Fix 2", body: "b2")
            #expect(updated.title == "Fix 2")
            await #expect {
                _ = try await client.createPullRequest("acme", "shop", title: "Again", body: "", head: "fixloop/1-x", base: "main", draft: true)
            } throws: { ($0 as? GitHubError)?.kind == .validation }
        }
    }

    @Test func aSecondaryRateLimitIsWaitedOut() async throws {
        let github = GitHubTestServer()
        await github.state.fail("POST", pathPrefix: "/repos/acme/shop/issues", count: 2, status: 403,
                                headers: ["Retry-After": "7"], message: "You have exceeded a secondary rate limit")
        let sleeper = RecordingSleeper()
        try await github.run { server in
            let issue = try await client(server, sleeper: sleeper).createIssue("acme", "shop", title: "t", body: "b", labels: ["fixloop"])
            #expect(issue.number == 1)
        }
        #expect(sleeper.waits == [.seconds(7), .seconds(7)])
        #expect(await github.state.issues["acme/shop"]?.count == 1)
    }

    @Test func aPrimaryRateLimitWaitsUntilTheReset() async throws {
        let github = GitHubTestServer()
        let started = Date()
        let reset = Int(started.timeIntervalSince1970) + 30
        await github.state.fail("GET", pathPrefix: "/repos/acme/shop", status: 403,
                                headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "\(reset)"], message: "API rate limit exceeded")
        let sleeper = RecordingSleeper()
        try await github.run { server in
            _ = try await client(server, sleeper: sleeper).repository("acme", "shop")
        }
        // The wait runs to the reset from when the answer came; a busy machine may take seconds to get there.
        let elapsed = Int(Date().timeIntervalSince(started).rounded(.up))
        let wait = try #require(sleeper.waits.first)
        #expect(wait >= .seconds(29 - elapsed) && wait <= .seconds(32))
    }

    @Test func serverErrorsAreRetriedAndTooLongALimitIsAnError() async throws {
        let github = GitHubTestServer()
        await github.state.fail("GET", pathPrefix: "/repos/acme/shop", count: 2, status: 502)
        try await github.run { server in
            let repository = try await client(server).repository("acme", "shop")
            #expect(repository.defaultBranch == "main")
        }
        let limited = GitHubTestServer()
        await limited.state.fail("GET", pathPrefix: "/repos/acme/shop", status: 429, headers: ["Retry-After": "3600"])
        try await limited.run { server in
            await #expect { _ = try await client(server).repository("acme", "shop") } throws: {
                ($0 as? GitHubError)?.kind == .rateLimited
            }
        }
    }

    @Test func aBadTokenSaysWhatToCheckWithoutRepeatingIt() async throws {
        try await GitHubTestServer().run { server in
            await #expect {
                _ = try await client(server, token: "ghp_wrongwrongwrong").repository("acme", "shop")
            } throws: { error in
                guard let error = error as? GitHubError else { return false }
                return error.kind == .unauthorized && error.message.contains("GITHUB_TOKEN") && !error.message.contains("ghp_wrong")
            }
        }
    }

    @Test func aMissingIssueIsNotFound() async throws {
        try await GitHubTestServer().run { server in
            await #expect { _ = try await client(server).issue("acme", "shop", number: 99) } throws: {
                ($0 as? GitHubError)?.kind == .notFound && "\($0)".contains("/repos/acme/shop/issues/99")
            }
        }
    }
}
