import FixloopCore
import FixloopLinear
import FixloopTesting
import Foundation
import Testing

struct LinearClientTests {
    func client(_ server: LoopbackServer, key: String = "lin_api_test", sleeper: RecordingSleeper = RecordingSleeper()) -> LinearClient {
        var client = LinearClient(endpoint: server.baseURL.appendingPathComponent("graphql"), apiKey: Secret(key))
        client.retry.sleep = sleeper.sleep
        return client
    }

    @Test func readsAnIssueByIdentifier() async throws {
        let linear = LinearTestServer()
        let key = await linear.state.addIssue(title: "Checkout fails", description: "Steps…")
        try await linear.run { server in
            let issue = try await client(server).issue(key)
            #expect(issue.identifier == key && issue.title == "Checkout fails")
            await #expect { _ = try await client(server).issue("ENG-999") } throws: { ($0 as? LinearError)?.kind == .notFound }
        }
    }

    @Test func createsAnIssueAttachesItsPatternAndFindsItAgain() async throws {
        let linear = LinearTestServer()
        try await linear.run { server in
            let client = client(server)
            let team = try #require(try await client.teams().first)
            let issue = try await client.createIssue(teamID: team.id, title: "Pattern", description: "d", priority: 2, labelIDs: ["bug"], id: "5b0f1c2e-0000-4000-8000-000000000001")
            try await client.attach(issueID: issue.id, title: "Fixloop pattern", url: "https://fixloop.local/patterns/abc")
            try await client.createComment(issueID: issue.id, body: "seen 41 times")
            let found = try await client.issues(attachedTo: "https://fixloop.local/patterns/abc")
            #expect(found.map(\.id) == [issue.id])
            #expect(try await client.issues(attachedTo: "https://fixloop.local/patterns/other").isEmpty)
            await #expect {
                _ = try await client.createIssue(teamID: team.id, title: "Pattern", description: "d", priority: 2, labelIDs: [], id: "5b0f1c2e-0000-4000-8000-000000000001")
            } throws: { ($0 as? LinearError)?.message.contains("already exists") == true }
        }
        #expect(await linear.state.issues.count == 1)
        #expect(await linear.state.issues.first?.priority == 2)
    }

    @Test func reopeningMovesAnIssueToTheTeamsFirstUnstartedState() async throws {
        let linear = LinearTestServer()
        let key = await linear.state.addIssue(title: "Checkout fails", description: "Steps…")
        await linear.state.setIssueState(key, "state-done")
        try await linear.run { server in
            let client = client(server)
            let states = try await client.workflowStates(teamID: "team-1")
            #expect(states.map(\.name) == ["Backlog", "Todo", "In Progress", "Done", "Canceled"], "in Linear's order")
            let state = try await client.reopen(try await client.issue(key))
            #expect(state.name == "Todo" && state.type == "unstarted")
        }
        #expect(await linear.state.issues.first?.stateID == "state-todo")
        #expect(await linear.state.operations.suffix(3) == ["Issue", "WorkflowStates", "UpdateIssueState"])
    }

    @Test func aRateLimitIsWaitedOut() async throws {
        let linear = LinearTestServer()
        await linear.state.rateLimit(count: 2)
        let sleeper = RecordingSleeper()
        try await linear.run { server in
            _ = try await client(server, sleeper: sleeper).teams()
        }
        #expect(sleeper.waits == [.seconds(2), .seconds(2)])
        #expect(await linear.state.operations == ["Teams", "Teams", "Teams"])
    }

    @Test func aBadKeySaysWhatToCheck() async throws {
        try await LinearTestServer().run { server in
            await #expect { _ = try await client(server, key: "lin_api_wrong").teams() } throws: { error in
                guard let error = error as? LinearError else { return false }
                return error.kind == .unauthorized && error.message.contains("LINEAR_API_KEY") && !error.message.contains("lin_api_wrong")
            }
        }
    }
}
