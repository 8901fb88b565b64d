import FixloopConfig
import FixloopCore
import FixloopReport
import FixloopStore
import FixloopTesting
import Foundation
import Testing

@testable import FixloopCLI

/// The review counts what happened in its period: every plan that overlaps it, each ticket's last run, the spend
/// inside it — the three bugs of issue 20 reproduced on a store scored from a generated export (2025-06-01, 14 days).
struct ReviewPeriodTests {
    static let week24 = ISOWeek(parsing: "2025-W24")!

    static func review(_ home: URL, _ arguments: [String] = []) async throws -> [String: Any] {
        let (status, json) = await ReportCommandTests.run(["report", "--json"] + arguments, home: home)
        #expect(status == 0, "\(json)")
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func aStrayPlanOfTheLastSevenDaysLeavesTheWeeksTicketOnTheReview() async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let (planned, text) = await ReportCommandTests.run(["plan", "--since", "all", "--ticket-sessions", "2"], home: home)
            #expect(planned == 0, "\(text)")
            let before = try await Self.review(home)
            let tickets = { (review: [String: Any]) in
                (review["patterns"] as? [[String: Any]] ?? []).compactMap { $0["ticket"] as? String }
            }
            #expect(!tickets(before).isEmpty, "\(before["patterns"] ?? "")")
            // `plan --since 7d` today sees none of the 2025 sessions; the review of their week must not lose its plan.
            let (stray, strayText) = await ReportCommandTests.run(["plan", "--since", "7d"], home: home)
            #expect(stray == 0, "\(strayText)")
            let after = try await Self.review(home)
            #expect(tickets(after) == tickets(before))
            #expect(after["planner_hint"] == nil)
            // The page's text, as a browser shows it, still has the ticket.
            let out = root.appendingPathComponent("review")
            let (status, written) = await ReportCommandTests.run(["report", "--out", out.path], home: home)
            #expect(status == 0, "\(written)")
            let dom = try HeadlessChromium.dumpDOM(out.appendingPathComponent("review.html"))
            for ticket in tickets(before) { #expect(dom.contains("<code>\(ticket)</code>"), "\(ticket)") }
            #expect(dom.contains("failure patterns") && !dom.contains(#"id="card-patterns"><div class="big">0<"#))
        }
    }

    @Test func withoutAPlanTheReviewSaysWhichPlanCommandToRun() async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let review = try await Self.review(home)
            #expect(review["planner_hint"] as? String == "fixloop plan --since 2025-06-09 --until 2025-06-16")
            let out = root.appendingPathComponent("review")
            let (status, text) = await ReportCommandTests.run(["report", "--out", out.path], home: home)
            #expect(status == 0, "\(text)")
            let markdown = try String(contentsOf: out.appendingPathComponent("review.md"), encoding: .utf8)
            #expect(markdown.contains("The planner has not run for this period: `fixloop plan --since 2025-06-09 --until 2025-06-16`"))
            #expect(!markdown.contains("No failure patterns this week."))
            let html = try String(contentsOf: out.appendingPathComponent("review.html"), encoding: .utf8)
            #expect(html.contains("The planner has not run for this period: <code>fixloop plan --since 2025-06-09 --until 2025-06-16</code>"))
        }
    }

    @Test func runsThatDiedOnAMissingKeyAreErrorsNotFixes() async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let database = try FixloopDatabase(url: StateDirectory(root: home).database)
            let runs = SQLiteRunStore(database: database)
            let monday = Self.week24.start
            func run(_ id: String, _ ticket: String, hours: Double, _ status: RunStatus, _ reason: String) throws {
                let record = RunRecord(id: id, ticket: ticket, repository: "acme/shop", host: "h", pid: 1,
                                       startedAt: monday.addingTimeInterval(hours * 3600))
                _ = try runs.start(record)
                try runs.finish(id, status: status, branch: nil, prURL: nil, reason: reason)
            }
            try run("run-a", "local:1", hours: 1, .error, "OPENAI_API_KEY is not set")
            try run("run-b", "local:1", hours: 2, .error, "OPENAI_API_KEY is not set")
            try run("run-c", "local:2", hours: 3, .notFixed, "the reproduction still fails")
            try run("run-d", "local:2", hours: 4, .fixed, "the reproduction passes")
            try run("run-e", "local:2", hours: 24 * 8, .notFixed, "a run after the week")
            let review = try await Self.review(home, ["--week", "2025-W24"])
            let fixes = try #require(review["fixes"] as? [[String: Any]])
            let errors = try #require(review["errors"] as? [[String: Any]])
            #expect(fixes.map { $0["run_id"] as? String } == ["run-d"])
            #expect(errors.map { $0["run_id"] as? String } == ["run-b"])
            let out = root.appendingPathComponent("review")
            _ = await ReportCommandTests.run(["report", "--week", "2025-W24", "--out", out.path], home: home)
            let html = try String(contentsOf: out.appendingPathComponent("review.html"), encoding: .utf8)
            #expect(html.contains(#"id="card-fixes"><div class="big">1/1<span"#))
            #expect(html.contains("run <code>run-b</code>: OPENAI_API_KEY is not set"))
        }
    }

    @Test func spendIsBoundedToThePeriodAndAnUnfinishedWeekIsPartial() async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let state = StateDirectory(root: root.appendingPathComponent("home"))
            try state.prepare()
            let database = try FixloopDatabase(url: state.database)
            let ledger = SQLiteLedgerStore(database: database)
            for (run, day) in [("score-1", 1.0), ("score-2", 9.0)] {
                try await ledger.record(LedgerEntry(
                    date: Self.week24.start.addingTimeInterval(day * 86_400), attribution: .init(runID: run), model: "m",
                    usage: .init(inputTokens: 10, outputTokens: 5), costUSD: 1, latencyMilliseconds: 1))
            }
            let builder = ReviewBuilder(database: database, state: state)
            let now = Self.week24.start.addingTimeInterval(3.5 * 86_400)
            let review = try await builder.build(start: Self.week24.start, end: Self.week24.end, now: now)
            #expect(review.spend.map(\.costUSD) == [1])
            #expect(review.partialUntil == now)
            #expect(ReviewMarkdown.render(review).contains("(partial: up to "))
            let later = try await builder.build(start: Self.week24.start, end: Self.week24.end, now: Self.week24.end)
            #expect(later.partialUntil == nil)
        }
    }

    @Test(arguments: [["--week", "2025-W99"], ["--week", "23"], ["--week", "2025-W53"], ["--week", "2025-W23", "--since", "7d"]])
    func aBadWeekIsAUsageErrorThatShowsTheForm(arguments: [String]) async throws {
        try await withTemporaryDirectory("fixloop-review") { root in
            let (status, text) = await ReportCommandTests.run(["report"] + arguments, home: root)
            #expect(status == 2, "\(text)")
            #expect(text.contains("--week"), "\(text)")
        }
    }
}
