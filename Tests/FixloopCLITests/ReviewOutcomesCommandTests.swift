import FixloopConfig
import FixloopCore
import FixloopStore
import FixloopTesting
import Foundation
import Testing

@testable import FixloopCLI

/// The review page reads what the healing loop measured: a ticketed pattern's fix merged mid-export and measured by
/// `fixloop outcomes` shows in "Did last weeks' fixes work?" with its chart, and its merge is marked on the weekly
/// NPS chart — as headless Chromium builds the page.
struct ReviewOutcomesCommandTests {
    /// 2025-06-08 12:00 UTC, the Sunday of 2025-W23, inside the generated export's two weeks.
    static let merged = Date(timeIntervalSince1970: 1_749_384_000)

    @Test func aMeasuredFixShowsOnTheReviewWithItsMergeOnTheWeeklyChart() async throws {
        try await withTemporaryDirectory("fixloop-review-outcomes") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let (planned, plan) = await ReportCommandTests.run(["plan", "--since", "all", "--ticket-sessions", "2"], home: home)
            #expect(planned == 0, "\(plan)")
            let created = plan.components(separatedBy: "created ").dropFirst().first ?? ""
            let ticket = String(created.prefix { !$0.isWhitespace && $0 != "," && $0 != ")" })
            #expect(ticket.hasPrefix("local:"), "\(plan)")
            let database = try FixloopDatabase(url: StateDirectory(root: home).database)
            let runs = SQLiteRunStore(database: database)
            _ = try runs.start(RunRecord(id: "run-1", ticket: ticket, repository: "acme/shop", host: "test", pid: 1))
            try runs.finish("run-1", status: .fixed, branch: "fixloop/fix-1", prURL: nil, reason: nil)
            try await SQLiteHealingStore(database: database).recordMerge(
                PullRequestMerge(pullRequest: "branch:acme/shop#fixloop/fix-1", commit: "f00d", mergedAt: Self.merged, source: .git))
            let (measured, outcomes) = await ReportCommandTests.run(["outcomes", "--no-comment"], home: home)
            #expect(measured == 0 && outcomes.contains(ticket), "\(outcomes)")
            let life = try #require(try await SQLiteHealingStore(database: database).life(ticket: ticket))
            let measurement = try #require(life.measurement, "\(outcomes)")

            let out = root.appendingPathComponent("review")
            let (status, text) = await ReportCommandTests.run(["report", "--week", "2025-W24", "--out", out.path], home: home)
            #expect(status == 0, "\(text)")
            let dom = try HeadlessChromium.dumpDOM(out.appendingPathComponent("review.html"))
            let section = try #require(dom.components(separatedBy: #"<section id="outcomes">"#).dropFirst().first?
                .components(separatedBy: "</section>").first, "\(dom.prefix(3000))")
            let verdict = measurement.verdict.rawValue
            #expect(section.contains("<h2>Did last weeks' fixes work?</h2>"))
            #expect(section.contains(#"<span class="verdict \#(verdict)">\#(verdict.replacingOccurrences(of: "_", with: " "))</span>"#), "\(section)")
            #expect(section.contains(#"id="outcome-chart-1""#) && section.contains("merged Sun 8 Jun 2025"), "\(section)")
            #expect(section.contains("<title>before: \(measurement.before.matching) matching sessions</title>"), "\(section)")
            let weekly = try #require(dom.components(separatedBy: #"id="nps-by-week""#).dropFirst().first?.components(separatedBy: "</svg>").first)
            #expect(weekly.contains(#"class="merge-label" text-anchor="end">\#(ticket) merged 8 Jun</text>"#), "\(weekly)")
            let markdown = try String(contentsOf: out.appendingPathComponent("review.md"), encoding: .utf8)
            #expect(markdown.contains("## Did last weeks' fixes work?") && markdown.contains("| \(ticket) | branch `fixloop/fix-1` | 8 Jun | 8 Jun | \(measurement.before.matching) | \(measurement.after.matching) |"), "\(markdown)")
        }
    }
}
