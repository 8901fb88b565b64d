@testable import FixloopCLI
import FixloopCore
import FixloopPlanner
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// The healing loop through the commands on generated weeks: a fix merged into a local remote (learnt with libgit2)
/// and deployed as stated heals; a GitHub fix merged (learnt from the API) whose bug comes back is regressed, its
/// issue reopened with one comment, and the planner files no new ticket.
@Suite(.serialized)
struct HealingLoopTests {
    /// 2025-06-09, the deploy; the bug week starts two days before, week two's sessions after.
    static let deploy = PlannerFixtures.weekOne.addingTimeInterval(PlannerFixtures.week)
    static let day: TimeInterval = 86_400

    func run(_ arguments: [String], root: URL, environment extra: [String: String] = [:]) async -> (Int32, String) {
        await PlanCommandTests().run(arguments, root: root, environment: extra)
    }

    func score(_ export: PostHogWeekExport, root: URL) async throws {
        try await PlanCommandTests().score(export, root: root)
    }

    func database(_ root: URL) throws -> FixloopDatabase {
        try FixloopDatabase(url: root.appendingPathComponent("state/fixloop.sqlite"))
    }

    /// The bug week before the deploy, planned; then a run that fixed `ticket` on `branch` (and `pullRequest`).
    func bugWeekAndAFix(_ root: URL, plan extra: [String] = [], environment: [String: String] = [:], ticket: String, repository: String,
                        branch: String, pullRequest: String?) async throws {
        try await score(PostHogWeekExport(start: Self.deploy - 2 * Self.day, bug: 42, rare: 0, purchases: 30, prefix: "w1"), root: root)
        let (status, text) = await run(["plan", "--since", "2025-06-01", "--until", "2025-06-09"] + extra, root: root, environment: environment)
        #expect(status == 0 && text.contains("created \(ticket)"), "\(text)")
        let runs = SQLiteRunStore(database: try database(root))
        _ = try runs.start(RunRecord(id: "run-1", ticket: ticket, repository: repository, host: "test", pid: 1))
        try runs.finish("run-1", status: .fixed, branch: branch, prURL: pullRequest, reason: nil)
    }

    @Test func aFixMergedIntoALocalRemoteAndDeployedAsStatedHeals() async throws {
        try await withTemporaryDirectory("fixloop-healing") { root in
            let work = root.appendingPathComponent("shop")
            try await GitFixture.makeRepository(at: work, files: ["shop/checkout.py": "total = 1\n"])
            try await GitCommandLine.run(["checkout", "-q", "-b", "fixloop/local-1-charge"], in: work)
            try GitFixture.write(["shop/checkout.py": "total = 2\n"], in: work)
            try await GitFixture.commitAll(in: work, message: "fix the charge")
            try await GitCommandLine.run(["checkout", "-q", "main"], in: work)
            let remote = try await GitFixture.makeBareRemote(from: work, at: root.appendingPathComponent("remote.git"))
            try await bugWeekAndAFix(root, ticket: "local:1", repository: remote.path, branch: "fixloop/local-1-charge", pullRequest: nil)

            var (status, text) = await run(["outcomes"], root: root)
            #expect(status == 0 && text.contains("local:1") && text.contains("branch fixloop/local-1-charge") && text.contains("not merged yet"), "\(text)")

            try await GitCommandLine.run(["merge", "-q", "--no-ff", "-m", "Merge the fix", "fixloop/local-1-charge"], in: work)
            try await GitCommandLine.run(["push", "-q", remote.path, "main"], in: work)
            (status, text) = await run(["tickets", "deployed", "local:1", "--at", "2025-06-09T00:00:00Z"], root: root)
            #expect(status == 0 && text.contains("local:1: deployed 2025-06-09T00:00:00Z"), "\(text)")
            try await score(PostHogWeekExport(start: Self.deploy + 3600, bug: 0, rare: 0, purchases: 30, prefix: "w2a"), root: root)
            try await score(PostHogWeekExport(start: Self.deploy + 4 * Self.day, bug: 0, rare: 0, purchases: 30, prefix: "w2b"), root: root)

            (status, text) = await run(["outcomes"], root: root)
            #expect(status == 0 && text.contains("said: local:1: healed"), "\(text)")
            #expect(text.contains("2025-06-09 (stated)") && text.contains("healed"), "\(text)")
            let life = try #require(try await SQLiteHealingStore(database: try database(root)).life(ticket: "local:1"))
            #expect(life.merge?.source == .git)
            let m = try #require(life.measurement)
            #expect(m.verdict == .healed && m.before.matching == 42 && m.after.matching == 0, "\(m)")

            let (_, shown) = await run(["tickets", "show", "local:1"], root: root)
            #expect(shown.contains("## Outcome") && shown.contains("verdict: healed"), "\(shown)")
            #expect(shown.contains("Since this was deployed on 9 Jun: 0 sessions hit `CheckoutError"), "the local ticket has the comment: \(shown)")
            (status, text) = await run(["outcomes"], root: root)
            #expect(status == 0 && !text.contains("said:"), "a second run says nothing new: \(text)")

            // tickets show --json carries the outcome in the shape outcomes --json prints it.
            let (_, shownJSON) = await run(["tickets", "show", "local:1", "--json"], root: root)
            let (_, outcomesJSON) = await run(["outcomes", "--json"], root: root)
            let ticket = try #require(try JSONSerialization.jsonObject(with: Data(shownJSON.utf8)) as? [String: Any], "\(shownJSON)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(outcomesJSON.utf8)) as? [[String: Any]], "\(outcomesJSON)")
            let outcome = try #require(ticket["outcome"] as? [String: Any], "\(shownJSON)")
            #expect(ticket["id"] as? Int == 1 && ticket["title"] is String, "the ticket's own fields stay: \(shownJSON)")
            #expect(outcome["verdict"] as? String == "healed" && outcome["deploy_stated"] as? Bool == true, "\(outcome)")
            let row = try #require(rows.first { $0["ticket"] as? String == "local:1" }, "\(outcomesJSON)")
            let same = { (object: Any) in String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) }
            #expect(try same(outcome) == same(row), "\(outcome) vs \(row)")

            // An older period's review shows the fix as it stood at that period's end, not the newest measurement.
            func reviewedVerdict(until: String) async throws -> (String?, Double?) {
                let (_, json) = await run(["report", "--since", "2025-06-02", "--until", until, "--json"], root: root)
                let review = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(json)")
                let outcome = try #require((review["outcomes"] as? [[String: Any]])?.first, "\(json)")
                return (outcome["verdict"] as? String, outcome["window_days"] as? Double)
            }
            let (older, olderDays) = try await reviewedVerdict(until: "2025-06-11")
            // By 11 Jun only the first hours after the deploy were graded (the next sessions start on the 13th).
            #expect(older == "waiting" && (olderDays ?? 9) < 1, "as of 11 Jun: \(String(describing: older)), \(String(describing: olderDays))")
            let (newest, _) = try await reviewedVerdict(until: "2025-06-20")
            #expect(newest == "healed")
            #expect(try await SQLiteHealingStore(database: try database(root)).life(ticket: "local:1")?.measurement?.verdict == .healed,
                    "the review measures, it stores nothing")
        }
    }

    @Test func aGitHubFixWhoseBugComesBackReopensItsIssueOnceAndFilesNoNewTicket() async throws {
        let github = GitHubTestServer()
        try await github.run { server in
            try await withTemporaryDirectory("fixloop-healing-gh") { root in
                let environment = ["GITHUB_API_URL": server.baseURL.absoluteString, "GITHUB_TOKEN": "test-token"]
                let sink = ["--sink", "github", "--issues-repo", "acme/shop"]
                let pull = await github.state.addPullRequest("acme/shop", title: "Fix the charge", body: "Fixes #1", head: "fixloop/gh-acme-shop-1")
                try await bugWeekAndAFix(root, plan: sink, environment: environment, ticket: "gh:acme/shop#2", repository: "acme/shop",
                                         branch: "fixloop/gh-acme-shop-1", pullRequest: "https://github.com/acme/shop/pull/\(pull)")
                await github.state.mergePullRequest("acme/shop", number: pull, commit: "f00d", at: Self.deploy)
                await github.state.setIssueState("acme/shop", number: 2, "closed")
                try await score(PostHogWeekExport(start: Self.deploy + 3600, bug: 0, rare: 0, purchases: 30, prefix: "w2a"), root: root)
                try await score(PostHogWeekExport(start: Self.deploy + 4 * Self.day, bug: 40, rare: 0, purchases: 30, prefix: "w2b"), root: root)

                var (status, text) = await run(["outcomes"], root: root, environment: environment)
                #expect(status == 0 && text.contains("said: gh:acme/shop#2: regressed, reopened"), "\(text)")
                let life = try #require(try await SQLiteHealingStore(database: try database(root)).life(ticket: "gh:acme/shop#2"))
                #expect(life.merge?.source == .api && life.merge?.commit == "f00d")
                #expect(await github.state.issues["acme/shop"]?[2]?.state == "open")
                let issueComments = await github.state.comments.filter { $0.issue == 2 }
                #expect(issueComments.count == 1 && issueComments[0].body.contains("**Fixloop outcome: regressed**"), "\(issueComments)")
                #expect(issueComments[0].body.contains("The ticket is reopened") && issueComments[0].body.contains("`w2b-bug-"), "\(issueComments)")
                #expect(await github.state.comments.filter { $0.issue == pull }.count == 1, "the pull request has the verdict too")

                (status, text) = await run(["outcomes"], root: root, environment: environment)
                #expect(status == 0 && !text.contains("said:"), "\(text)")
                #expect(await github.state.comments.count == 2, "a second run posts nothing new")

                (status, text) = await run(["plan", "--since", "2025-06-09", "--until", "2025-06-20"] + sink, root: root, environment: environment)
                #expect(status == 0 && text.contains("gh:acme/shop#2") && !text.contains("created gh:"), "\(text)")
                #expect(await github.state.issues["acme/shop"]?.count == 1, "no new ticket for the pattern")
            }
        }
    }

    @Test func aLinearFixWhoseBugContinuesMovesItsIssueBackToAnOpenState() async throws {
        let linear = LinearTestServer()
        try await linear.run { server in
            try await withTemporaryDirectory("fixloop-healing-linear") { root in
                let environment = ["LINEAR_API_KEY": "lin_api_test", "LINEAR_API_URL": server.baseURL.appendingPathComponent("graphql").absoluteString]
                try await bugWeekAndAFix(root, plan: ["--sink", "linear"], environment: environment, ticket: "linear:ENG-1", repository: "acme/shop",
                                         branch: "fixloop/ENG-1", pullRequest: nil)
                await linear.state.setIssueState("ENG-1", "state-done")
                var (status, text) = await run(["tickets", "deployed", "linear:ENG-1", "--at", "2025-06-09T00:00:00Z"], root: root)
                #expect(status == 0, "\(text)")
                try await score(PostHogWeekExport(start: Self.deploy + 3600, bug: 30, rare: 0, purchases: 30, prefix: "w2a"), root: root)
                try await score(PostHogWeekExport(start: Self.deploy + 4 * Self.day, bug: 30, rare: 0, purchases: 30, prefix: "w2b"), root: root)

                (status, text) = await run(["outcomes"], root: root, environment: environment)
                #expect(status == 0 && text.contains("said: linear:ENG-1: not_healed, reopened"), "\(text)")
                #expect(await linear.state.issues.first?.stateID == "state-todo", "moved to the team's first unstarted state")
                let verdicts = await linear.state.comments.filter { $0.body.contains("**Fixloop outcome: not_healed**") }
                #expect(verdicts.count == 1 && verdicts[0].body.contains("The ticket is reopened"), "\(verdicts.map(\.body))")
                (status, text) = await run(["outcomes"], root: root, environment: environment)
                #expect(status == 0 && !text.contains("said:"), "\(text)")
                #expect(await linear.state.operations.filter { $0 == "UpdateIssueState" }.count == 1, "reopened once")
            }
        }
    }
}
