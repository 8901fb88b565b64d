@testable import FixloopCLI
import FixloopCore
import FixloopGitHub
import FixloopLinear
import FixloopPlanner
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// The GitHub and Linear sinks against loopback servers that speak the real protocols: the right requests, no
/// duplicates on reruns or after a crash between the remote create and the local record, rate limits waited out.
struct TrackerSinkTests {
    static let weekTwo = PlannerFixtures.weekOne.addingTimeInterval(PlannerFixtures.week)

    func plan(bug: Int, start: Date = PlannerFixtures.weekOne) async throws -> PlanResult {
        try await Planner().plan(
            sessions: PlannerFixtures.week(starting: start, bug: bug, rare: 2), since: start, until: start.addingTimeInterval(PlannerFixtures.week))
    }

    func withStore<T>(_ body: (SQLitePlanStore) async throws -> T) async throws -> T {
        try await withTemporaryDirectory("fixloop-sinks") { root in
            try await body(SQLitePlanStore(database: try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite"))))
        }
    }

    func github(_ server: LoopbackServer, sleeper: RecordingSleeper = RecordingSleeper()) -> GitHubTicketSink {
        var client = GitHubClient(baseURL: server.baseURL, token: Secret("test-token"))
        client.retry.sleep = sleeper.sleep
        return GitHubTicketSink(client: client, owner: "acme", repository: "shop")
    }

    @Test func gitHubGetsOneLabelledIssueWithTheMarkerAndRerunsOnlyComment() async throws {
        let server = GitHubTestServer()
        try await withStore { store in
            try await server.run { loopback in
                let filer = TicketFiler(sink: github(loopback), records: store)
                let first = try await filer.file(try await plan(bug: 41), period: "week 1")
                let again = try await filer.file(try await plan(bug: 41), period: "week 1")
                let later = try await filer.file(try await plan(bug: 47, start: Self.weekTwo), period: "week 2")
                // The same counts in another week are news too.
                let weekThree = Self.weekTwo.addingTimeInterval(PlannerFixtures.week)
                let sameCounts = try await filer.file(try await plan(bug: 47, start: weekThree), period: "week 3")
                #expect(first.tickets.map(\.action) == [.created])
                #expect(first.tickets.first?.reference == "gh:acme/shop#1")
                #expect(again.tickets.map(\.action) == [.unchanged])
                #expect(later.tickets.map(\.action) == [.updated])
                #expect(sameCounts.tickets.map(\.action) == [.updated])
            }
        }
        let issues = await server.state.issues["acme/shop"] ?? [:]
        #expect(issues.count == 1)
        let issue = try #require(issues[1])
        #expect(issue.labels == ["fixloop", "bug"])
        #expect(issue.title.hasPrefix("CheckoutError in charge on /checkout"))
        #expect(issue.body.contains("<!-- fixloop:pattern=") && issue.body.contains("| 41 |") && issue.body.contains("## Example sessions"))
        let comments = await server.state.comments
        #expect(comments.count == 2)
        #expect(comments.first?.body.contains("Fixloop update (week 2): 47 sessions") == true)
        #expect(comments.last?.body.contains("Fixloop update (week 3): 47 sessions") == true)
        let creates = await server.state.requests.filter { $0.method == "POST" && $0.path == "/repos/acme/shop/issues" }
        #expect(creates.count == 1)
    }

    @Test func aCrashBetweenTheGitHubCreateAndTheLocalRecordDoesNotDuplicate() async throws {
        let server = GitHubTestServer()
        try await withStore { store in
            try await server.run { loopback in
                let crashing = TicketFiler(sink: github(loopback), records: CrashingRecords(store: store))
                await #expect(throws: SimulatedCrash.self) { _ = try await crashing.file(try await plan(bug: 41), period: "week 1") }
                let result = try await TicketFiler(sink: github(loopback), records: store).file(try await plan(bug: 41), period: "week 1")
                #expect(result.tickets.map(\.action) == [.recovered])
                #expect(result.tickets.first?.reference == "gh:acme/shop#1")
                let recorded = try await store.ticket(sink: "github:acme/shop", fingerprints: [result.patterns[0].fingerprint])
                #expect(recorded?.ticket.reference == "gh:acme/shop#1")
            }
        }
        #expect(await server.state.issues["acme/shop"]?.count == 1)
    }

    @Test func theLookUpPagesThroughEveryFixloopIssue() async throws {
        let server = GitHubTestServer()
        let plan = try await plan(bug: 41)
        for index in 0..<150 {
            await server.state.addIssue("acme/shop", title: "other \(index)", body: TicketDraft.marker("other\(index)"), labels: ["fixloop"])
        }
        await server.state.addIssue("acme/shop", title: "filed before", body: TicketDraft.marker(plan.patterns[0].fingerprint), labels: ["fixloop"])
        try await withStore { store in
            try await server.run { loopback in
                let result = try await TicketFiler(sink: github(loopback), records: store).file(plan, period: "w")
                #expect(result.tickets.first?.action == .recovered && result.tickets.first?.reference == "gh:acme/shop#151")
            }
        }
        #expect(await server.state.issues["acme/shop"]?.count == 151)
    }

    @Test func aSecondaryRateLimitIsWaitedOutBeforeFiling() async throws {
        let server = GitHubTestServer()
        await server.state.fail("POST", pathPrefix: "/repos/acme/shop/issues", status: 403,
                                headers: ["Retry-After": "9"], message: "You have exceeded a secondary rate limit")
        let sleeper = RecordingSleeper()
        try await withStore { store in
            try await server.run { loopback in
                let result = try await TicketFiler(sink: github(loopback, sleeper: sleeper), records: store).file(try await plan(bug: 41), period: "w")
                #expect(result.tickets.map(\.action) == [.created])
            }
        }
        #expect(sleeper.waits == [.seconds(9)])
        #expect(await server.state.issues["acme/shop"]?.count == 1)
    }

    func linear(_ server: LoopbackServer) -> LinearTicketSink {
        var client = LinearClient(endpoint: server.baseURL.appendingPathComponent("graphql"), apiKey: Secret("lin_api_test"))
        client.retry.sleep = RecordingSleeper().sleep
        return LinearTicketSink(client: client, team: LinearTeamFixture.team, labelIDs: ["label-extra"])
    }

    @Test func linearGetsIssueCreateWithTeamLabelsPriorityAndAnAttachmentAndRerunsComment() async throws {
        let server = LinearTestServer()
        try await withStore { store in
            try await server.run { loopback in
                let filer = TicketFiler(sink: linear(loopback), records: store)
                let first = try await filer.file(try await plan(bug: 41), period: "week 1")
                let again = try await filer.file(try await plan(bug: 41), period: "week 1")
                let later = try await filer.file(try await plan(bug: 50, start: Self.weekTwo), period: "week 2")
                #expect(first.tickets.map(\.action) == [.created])
                #expect(first.tickets.first?.reference == "linear:ENG-1")
                #expect(again.tickets.map(\.action) == [.unchanged])
                #expect(later.tickets.map(\.action) == [.updated])
            }
        }
        let issues = await server.state.issues
        #expect(issues.count == 1)
        #expect(issues.first?.teamID == "team-1" && issues.first?.labelIDs == ["label-bug", "label-extra", "label-fixloop"])
        #expect(issues.first?.priority == 1)
        let attachments = await server.state.attachments
        #expect(attachments.keys.contains { $0.hasPrefix("https://fixloop.invalid/patterns/") } && attachments.values.first == issues.first?.id)
        #expect(await server.state.operations == [
            "AttachmentsForURL", "Issue", "TeamLabels", "CreateIssue", "CreateAttachment", "CreateComment",
        ])
        #expect(await server.state.comments.first?.body.contains("50 sessions") == true)
    }

    @Test func aCrashBetweenTheLinearCreateAndTheAttachmentDoesNotDuplicate() async throws {
        let server = LinearTestServer()
        try await withStore { store in
            try await server.run { loopback in
                let sink = linear(loopback)
                let plan = try await plan(bug: 41)
                let draft = TicketDraft(pattern: plan.patterns[0], decision: plan.decisions[0], period: "week 1")
                // The create went through, then the process died: no attachment, no local record.
                _ = try await sink.client.createIssue(
                    teamID: "team-1", title: draft.title, description: draft.body, priority: 1, labelIDs: [], id: sink.issueID(draft.fingerprint))
                let result = try await TicketFiler(sink: sink, records: store).file(plan, period: "week 1")
                #expect(result.tickets.map(\.action) == [.recovered])
                let again = try await TicketFiler(sink: sink, records: store).file(plan, period: "week 1")
                #expect(again.tickets.map(\.action) == [.unchanged])
            }
        }
        #expect(await server.state.issues.count == 1)
        #expect(await server.state.attachments.count == 1)
    }
}

struct SimulatedCrash: Error {}

/// The store of a process that dies right after the remote create, before the local record is written.
struct CrashingRecords: TicketRecordStore {
    let store: SQLitePlanStore
    func ticket(sink: String, fingerprints: [String]) async throws -> (ticket: FiledTicket, reported: String)? {
        try await store.ticket(sink: sink, fingerprints: fingerprints)
    }
    func record(_ ticket: FiledTicket, sink: String, draft: TicketDraft) async throws { throw SimulatedCrash() }
    func recordUpdate(sink: String, fingerprint: String, draft: TicketDraft) async throws { throw SimulatedCrash() }
}

enum LinearTeamFixture {
    static var team: LinearTeam {
        try! JSONDecoder().decode(LinearTeam.self, from: Data(#"{"id": "team-1", "key": "ENG", "name": "Engineering"}"#.utf8))
    }
}
