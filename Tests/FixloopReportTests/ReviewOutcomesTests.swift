import Foundation
import Testing

@testable import FixloopReport

/// "Did last weeks' fixes work?": each deployed fix with a before/after chart, its figures and verdict, the merge
/// marked on the weekly NPS chart, and the same as a table in the Markdown.
struct ReviewOutcomesTests {
    /// 2025-05-28 (a Wednesday of 2025-W22), and the day after.
    static let merged = Date(timeIntervalSince1970: 1_748_390_400)

    static func sample() -> WeeklyReview {
        var review = ReviewDecisionTests.sample()
        var healed = WeeklyReview.Outcome(ticket: "gh:acme/shop#9", title: "Checkout charges more than the cart total",
                                          deployedAt: merged.addingTimeInterval(86_400), mergedAt: merged,
                                          pullRequest: "https://github.com/acme/shop/pull/7")
        healed.ticketURL = "https://github.com/acme/shop/issues/9"
        (healed.route, healed.windowDays, healed.matchingBefore, healed.matchingAfter) = ("/checkout", 7, 41, 0)
        (healed.npsBefore, healed.npsAfter) = (-12, 34)
        (healed.verdict, healed.reason) = ("healed", "no matching session for 5 days; /checkout's NPS −12 → +34")
        let waiting = WeeklyReview.Outcome(ticket: "local:4", title: "Search <drops> plurals", deployedAt: ReviewPageTests.monday,
                                           branch: "fixloop/local-4-search")
        review.outcomes = [waiting, healed]
        return review
    }

    @Test func eachDeployedFixGetsABeforeAfterChartWithItsFiguresAndVerdict() throws {
        let html = ReviewHTML.render(Self.sample())
        let section = try #require(html.components(separatedBy: #"<section id="outcomes">"#).dropFirst().first?.components(separatedBy: "</section>").first)
        #expect(section.hasPrefix("<h2>Did last weeks' fixes work?</h2>"))
        let healed = try #require(section.components(separatedBy: #"id="outcome-2""#).dropFirst().first)
        #expect(healed.contains(#"<a href="https://github.com/acme/shop/issues/9">gh:acme/shop#9</a> — <span class="verdict healed">healed</span>"#))
        #expect(healed.contains(#"<svg xmlns="http://www.w3.org/2000/svg" id="outcome-chart-2" viewBox="0 0 360.0 150.0" width="100%""#))
        #expect(healed.contains("<title>before: 41 matching sessions</title>") && healed.contains("<title>after: 0 matching sessions</title>"))
        #expect(healed.contains("<title>before: implied NPS -12</title>") && healed.contains("<title>after: implied NPS +34</title>"))
        #expect(healed.contains(#"<td class="num">41</td><td class="num">0</td>"#) && healed.contains("merged Wed 28 May 2025"))
        #expect(healed.contains("no matching session for 5 days"))
        let waiting = try #require(section.components(separatedBy: #"id="outcome-1""#).dropFirst().first?.components(separatedBy: "</article>").first)
        #expect(waiting.contains("Search &lt;drops&gt; plurals") && waiting.contains("Not measured yet: <code>fixloop outcomes</code>"))
        #expect(!ReviewHTML.render(ReviewDecisionTests.sample()).contains(#"id="outcomes""#), "no deployed fix, no section")
    }

    @Test func theWeeklyChartMarksEachMergeInsideItsWeek() throws {
        let html = ReviewHTML.render(Self.sample())
        let weekly = try #require(html.components(separatedBy: #"id="nps-by-week""#).dropFirst().first?.components(separatedBy: "</svg>").first)
        #expect(weekly.components(separatedBy: #"<g class="marker">"#).count - 1 == 2)
        #expect(weekly.contains(#"class="merge-label" text-anchor="end">gh:acme/shop#9 merged 28 May</text>"#))
        // W21's point and W22's (the 8th and 9th of ten across 976 units from x 48): Wednesday of W22 lies between.
        let upToLabel = try #require(weekly.components(separatedBy: "gh:acme/shop#9 merged 28 May</text>").first)
        let line = try #require(upToLabel.components(separatedBy: #"<g class="marker"><line x1=""#).last)
        let marker = try #require(Double(String(line.prefix { $0 != "\"" })))
        let (w21, w22): (Double, Double) = (48 + 7 * 976 / 9, 48 + 8 * 976 / 9)
        #expect(marker > w21 && marker < w22, "\(marker)")
        #expect(html.contains("dashed lines mark fixes' merges"))
    }

    @Test func theMarkdownHasTheOutcomesAsATable() {
        let markdown = ReviewMarkdown.render(Self.sample())
        #expect(markdown.contains("## Did last weeks' fixes work?"))
        #expect(markdown.contains("| [gh:acme/shop#9](https://github.com/acme/shop/issues/9) | https://github.com/acme/shop/pull/7 | 28 May | 29 May | 41 | 0 | -12 | +34 | healed |"), "\(markdown)")
        #expect(markdown.contains("| local:4 | branch `fixloop/local-4-search` | - | 2 Jun | - | - | - | - | not measured (`fixloop outcomes`) |"))
        #expect(markdown.contains("- gh:acme/shop#9: no matching session for 5 days"))
    }
}
