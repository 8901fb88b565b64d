import FixloopConfig
import FixloopCore
import FixloopStore
import FixloopTesting
import Foundation
import Testing

@testable import FixloopCLI

/// The review page lists the rounds on each fix's pull request — kind, when, outcome, cost —, as headless Chromium
/// builds the page; the rounds, runs of the ticket too, never stand in for its fix.
struct ReviewRoundsCommandTests {
    /// 2025-06-10 12:00 UTC, the Tuesday of 2025-W24.
    static let tuesday = Date(timeIntervalSince1970: 1_749_556_800)

    @Test func aFixesPullRequestListsItsReviewCIAndRebaseRoundsOfThePeriod() async throws {
        try await withTemporaryDirectory("fixloop-review-rounds") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let state = StateDirectory(root: home)
            let runs = SQLiteRunStore(database: try FixloopDatabase(url: state.database))
            let ticket = "gh:acme/shop#1"
            _ = try runs.start(RunRecord(id: "run-fix", ticket: ticket, repository: "acme/shop", host: "test", pid: 1, startedAt: Self.tuesday))
            try runs.finish("run-fix", status: .fixed, branch: "fixloop/1-cart", prURL: "https://github.com/acme/shop/pull/2", reason: "fixed")
            let rounds: [(String, RunKind, Double, String)] = [
                ("run-review", .revision, 1, #"{"result": "revised", "cost": 0.0123}"#),
                ("run-ci", .ci, 2, #"{"result": "unchanged", "cost": 0.002}"#),
                ("run-rebase", .rebase, 3, #"{"result": "conflict", "detail": "shop/cart.py"}"#),
                ("run-next-week", .revision, 7, #"{"result": "revised", "cost": 1}"#),
            ]
            for (id, kind, days, report) in rounds {
                var record = RunRecord(id: id, ticket: ticket, repository: "acme/shop", host: "test", pid: 1,
                                       startedAt: Self.tuesday.addingTimeInterval(days * 86_400))
                record.kind = kind
                record.pullRequest = "gh:acme/shop#2"
                _ = try runs.start(record)
                try runs.finish(id, status: .notFixed, branch: "fixloop/1-cart", prURL: nil, reason: nil)
                let folder = state.runs.appendingPathComponent(id)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(report.utf8).write(to: folder.appendingPathComponent("report.json"))
            }

            let out = root.appendingPathComponent("review")
            let (status, text) = await ReportCommandTests.run(["report", "--week", "2025-W24", "--out", out.path], home: home)
            #expect(status == 0, "\(text)")
            let dom = try HeadlessChromium.dumpDOM(out.appendingPathComponent("review.html"))
            let fixes = try #require(dom.components(separatedBy: #"<section id="fixes">"#).dropFirst().first?
                .components(separatedBy: "</section>").first, "\(dom.prefix(3000))")
            #expect(fixes.contains("run <code>run-fix</code>"), "the fix stays the ticket's run: \(fixes)")
            let table = try #require(fixes.components(separatedBy: #"<table class="rounds">"#).dropFirst().first?
                .components(separatedBy: "</table>").first, "\(fixes)")
            let rows = table.components(separatedBy: "<tr class=\"round ").dropFirst().map { $0.components(separatedBy: "</tr>")[0] }
            #expect(rows.count == 3, "the round of the next week is left out: \(table)")
            #expect(rows.first?.contains("<td>review</td><td>2025-06-11T12:00:00Z</td><td>revised</td><td class=\"num\">$0.0123</td>") == true, "\(rows)")
            #expect(rows.dropFirst().first?.contains("<td>CI</td>") == true && rows.dropFirst().first?.contains("unchanged") == true, "\(rows)")
            #expect(rows.last?.contains("<td>rebase</td>") == true && rows.last?.contains("conflict") == true, "\(rows)")
            let markdown = try String(contentsOf: out.appendingPathComponent("review.md"), encoding: .utf8)
            #expect(markdown.contains("Rounds on the pull request: review 2025-06-11T12:00:00Z revised $0.0123; CI"), "\(markdown)")
        }
    }
}
