import FixloopConfig
import FixloopCore
import FixloopGitHub
import FixloopReport
import FixloopStore
import FixloopTesting
import Foundation
import Testing

@testable import FixloopCLI

/// `fixloop report` as a decision tool, on a store scored from a generated export (2025-06-01, 14 days: the ISO
/// weeks 2025-W23 and W24 whole): the previous week's figures, the weekly trend, each pattern's status, replay links,
/// and pull requests' states read from GitHub and cached.
struct ReviewDecisionCommandTests {
    static func review(_ home: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> [String: Any] {
        let (status, json) = await runFixloop(["report", "--json"] + arguments,
                                              environment: ["FIXLOOP_HOME": home.path, "HOME": home.path, "PATH": "/usr/bin:/bin"].merging(environment) { $1 })
        #expect(status == 0, "\(json)")
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    static func plan(_ home: URL, since: String, until: String) async {
        let (status, text) = await ReportCommandTests.run(["plan", "--since", since, "--until", until, "--ticket-sessions", "2"], home: home)
        #expect(status == 0, "\(text)")
    }

    @Test func theWeekIsComparedWithTheWeekBeforeAndChartedWithTheWeeksBeforeIt() async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let week23 = try await Self.review(home, ["--week", "2025-W23"])
            let week24 = try await Self.review(home, ["--week", "2025-W24"])
            let previous = try #require(week24["previous"] as? [String: Any])
            let overall23 = try #require(week23["overall"] as? [String: Any])
            #expect(previous["sessions"] as? Int == overall23["sessions"] as? Int)
            #expect(previous["nps"] as? Double == overall23["nps"] as? Double)
            let weeks = try #require(week24["weeks"] as? [[String: Any]])
            #expect(weeks.count == 10)
            #expect(weeks.last?["label"] as? String == "2025-W24" && weeks.first?["label"] as? String == "2025-W15")
            #expect(weeks.map { $0["sessions"] as? Int ?? -1 }.reduce(0, +) == 100)
            #expect(weeks[8]["sessions"] as? Int == overall23["sessions"] as? Int)
            let out = root.appendingPathComponent("review")
            let (status, text) = await ReportCommandTests.run(["report", "--week", "2025-W24", "--out", out.path], home: home)
            #expect(status == 0, "\(text)")
            let html = try String(contentsOf: out.appendingPathComponent("review.html"), encoding: .utf8)
            #expect(html.contains(#"id="nps-by-week""#))
            #expect(html.contains(#"<div class="card" id="card-nps"><div class="big">"#) && html.contains(#"title="previous period: "#))
        }
    }

    @Test func patternsAreNewRecurringOrResolvedAgainstThePreviousWeeksPlans() async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            await Self.plan(home, since: "2025-06-09", until: "2025-06-16")
            let statuses = { (review: [String: Any]) in
                Set((review["patterns"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String })
            }
            let alone = try await Self.review(home, ["--week", "2025-W24"])
            #expect(statuses(alone) == ["new"], "\(alone["patterns"] ?? "")")
            await Self.plan(home, since: "2025-06-02", until: "2025-06-09")
            let both = try await Self.review(home, ["--week", "2025-W24"])
            #expect(statuses(both).contains("recurring"), "\(both["patterns"] ?? "")")
            // The week after has no plan: what W24 had is gone from it.
            let after = try await Self.review(home, ["--week", "2025-W25"])
            let resolved = try #require(after["resolved"] as? [[String: Any]])
            #expect(resolved.count == (both["patterns"] as? [Any])?.count)
            #expect(Set(resolved.compactMap { $0["status"] as? String }) == ["resolved"])
        }
    }

    @Test func posthogSettingsTurnSessionIdsIntoReplayLinksOnThePageAndInSessionsShow() async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let config = root.appendingPathComponent("fixloop.toml")
            try "[posthog]\nhost = \"https://eu.posthog.com\"\nproject_id = 4242\n\n[product]\nname = \"Acme Outdoor\"\n"
                .write(to: config, atomically: true, encoding: .utf8)
            let environment = ["FIXLOOP_CONFIG": config.path]
            let review = try await Self.review(home, ["--week", "2025-W24"], environment: environment)
            #expect(review["product"] as? String == "Acme Outdoor")
            let worst = try #require((review["worst_sessions"] as? [[String: Any]])?.first)
            let id = try #require(worst["session_id"] as? String)
            #expect(worst["replay_url"] as? String == "https://eu.posthog.com/project/4242/replay/\(id)")
            let (status, text) = await runFixloop(["sessions", "show", id],
                                                  environment: ["FIXLOOP_HOME": home.path, "HOME": home.path, "FIXLOOP_CONFIG": config.path])
            #expect(status == 0, "\(text)")
            #expect(text.contains("\nreplay: https://eu.posthog.com/project/4242/replay/\(id)\n"), "\(text)")
            let (_, json) = await runFixloop(["sessions", "show", id, "--json"],
                                             environment: ["FIXLOOP_HOME": home.path, "HOME": home.path, "FIXLOOP_CONFIG": config.path])
            #expect(json.contains(#""replay_url" : "https://eu.posthog.com/project/4242/replay/\#(id)""#), "\(json)")
            // Without the settings, ids stay text.
            let (_, plain) = await runFixloop(["sessions", "show", id], environment: ["FIXLOOP_HOME": home.path, "HOME": home.path])
            #expect(!plain.contains("replay:"))
        }
    }

    @Test func thePullRequestStateIsReadFromGitHubCachedForAnHourAndShownAsLastKnownWhenOffline() async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let state = StateDirectory(root: root.appendingPathComponent("home"))
            try state.prepare()
            let database = try FixloopDatabase(url: state.database)
            let monday = ISOWeek(parsing: "2025-W24")!.start
            let github = GitHubTestServer()
            let number = await github.state.addPullRequest("acme/shop", title: "Fix checkout", body: "", head: "fixloop/gh-acme-shop-3")
            let url = "https://github.com/acme/shop/pull/\(number)"
            let runs = SQLiteRunStore(database: database)
            _ = try runs.start(RunRecord(id: "run-1", ticket: "gh:acme/shop#3", repository: "acme/shop", host: "h", pid: 1, startedAt: monday.addingTimeInterval(3600)))
            try runs.finish("run-1", status: .fixed, branch: "fixloop/gh-acme-shop-3", prURL: url, reason: "the reproduction passes")
            try await github.run { server in
                var builder = ReviewBuilder(database: database, state: state)
                let source = GitHubPullRequestStates(client: GitHubClient(baseURL: server.baseURL, token: Secret("test-token")))
                builder.pullRequests = PullRequestStateCache(store: SQLitePullRequestStateStore(database: database), source: source)
                let now = monday.addingTimeInterval(2 * 86_400)
                let first = try await builder.build(start: monday, end: monday.addingTimeInterval(7 * 86_400), now: now)
                #expect(first.fixes.first?.pullRequestState == "draft")
                #expect(first.fixes.first?.ticketURL == "https://github.com/acme/shop/issues/3")
                await github.state.setPullRequest("acme/shop", number: number, draft: false, merged: true)
                let soon = try await builder.build(start: monday, end: monday.addingTimeInterval(7 * 86_400), now: now.addingTimeInterval(1800))
                #expect(soon.fixes.first?.pullRequestState == "draft", "read again within the hour")
                let later = try await builder.build(start: monday, end: monday.addingTimeInterval(7 * 86_400), now: now.addingTimeInterval(7200))
                #expect(later.fixes.first?.pullRequestState == "merged")
                #expect(later.fixes.first?.pullRequestStateIsLastKnown == false)
            }
            // GitHub unreachable: the last state read, with its time, and no failure.
            var offline = ReviewBuilder(database: database, state: state)
            let dead = GitHubPullRequestStates(client: GitHubClient(baseURL: URL(string: "http://127.0.0.1:9")!, token: nil))
            offline.pullRequests = PullRequestStateCache(store: SQLitePullRequestStateStore(database: database), source: dead)
            let now = monday.addingTimeInterval(2 * 86_400 + 4 * 3600)
            let review = try await offline.build(start: monday, end: monday.addingTimeInterval(7 * 86_400), now: now)
            let fix = try #require(review.fixes.first)
            #expect(fix.pullRequestState == "merged" && fix.pullRequestStateIsLastKnown)
            #expect(fix.pullRequestStateReadAt == monday.addingTimeInterval(2 * 86_400 + 7200))
            #expect(ReviewHTML.render(review).contains(#"<span class="pr-state merged">merged</span> <span class="muted">(last known, read "#))
        }
    }

    @Test func mostlyRubricGuessesPutTheCaveatOnThePage() async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let review = try await Self.review(home, ["--week", "2025-W24"])
            let overall = try #require(review["overall"] as? [String: Any])
            let low = try #require(review["low_confidence"] as? Int)
            // Graded by the rubric alone (--model none): the unsure ones count, and the banner follows the majority.
            #expect(low > 0 && low <= overall["sessions"] as? Int ?? 0)
            let out = root.appendingPathComponent("review")
            _ = await ReportCommandTests.run(["report", "--week", "2025-W24", "--out", out.path], home: home)
            let html = try String(contentsOf: out.appendingPathComponent("review.html"), encoding: .utf8)
            #expect(html.contains(#"id="low-confidence""#) == (low * 2 > overall["sessions"] as? Int ?? 0))
        }
    }
}
