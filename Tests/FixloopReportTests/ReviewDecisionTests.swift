import Foundation
import Testing

@testable import FixloopReport

/// The review as a decision tool: changes since the previous period, the weekly trend, each pattern's status, the
/// low-confidence caveat, folded diffs, links to replays, tickets and pull requests, charts as wide as the page.
struct ReviewDecisionTests {
    static func sample() -> WeeklyReview {
        var review = ReviewPageTests.sample()
        review.previous = .init(sessions: 300, nps: 22, patterns: 1, tickets: 1, flags: 0, fixed: 0, fixes: 1, spendUSD: 0.02)
        review.weeks = (14...23).map { (week: Int) -> WeeklyReview.NPSPoint in
            let empty = week == 16 || week == 17
            return WeeklyReview.NPSPoint(label: "2025-W\(week)", nps: empty ? 0 : Double(week), sessions: empty ? 0 : 100,
                                         promoters: 0, passives: 0, detractors: 0)
        }
        review.patterns[0].status = "recurring"
        review.patterns[1].status = "new"
        review.resolved = [.init(name: "Search returns nothing for plurals", kind: "bug", decision: "ticket", reason: "", sessions: 12,
                                 users: 11, meanScore: 3, baselineScore: 7, ticket: "gh:acme/shop#3")]
        review.resolved[0].status = "resolved"
        review.resolved[0].ticketURL = "https://github.com/acme/shop/issues/3"
        review.patterns[0].examples[0].replayURL = "https://eu.posthog.com/project/7/replay/01972fad-4bec-7da3"
        review.fixes[0].ticketURL = "https://github.com/acme/shop/issues/9"
        review.fixes[0].ticket = "gh:acme/shop#9"
        review.fixes[0].pullRequestState = "merged"
        review.fixes[0].pullRequestStateReadAt = ReviewPageTests.monday
        return review
    }

    @Test func everyCardShowsItsChangeSinceThePreviousPeriod() {
        let html = ReviewHTML.render(Self.sample())
        #expect(html.contains(#"<div class="big">+27<span class="delta up good" title="previous period: +22">▲5</span></div><div>implied NPS</div>"#))
        #expect(html.contains(#"<div class="big">320<span class="delta up good">▲20</span></div><div>sessions graded</div>"#))
        // One more pattern than before is bad news; one more fix good news.
        #expect(html.contains(#"<div class="big">2<span class="delta up bad">▲1</span></div><div>failure patterns</div>"#))
        #expect(html.contains(#"<div class="big">1/1<span class="delta up good" title="previous period: 0/1">▲1</span>"#))
        #expect(html.contains(#"<div class="big">1<span class="delta same">±0</span></div><div>ticket filed</div>"#))
        #expect(html.components(separatedBy: "class=\"delta ").count - 1 == 7)
        // Without a previous period, no deltas.
        #expect(!ReviewHTML.render(ReviewPageTests.sample()).contains("class=\"delta "))
    }

    @Test func theNPSDeltaNeedsSessionsOnBothSides() {
        var review = Self.sample()
        review.previous?.sessions = 0
        #expect(ReviewHTML.render(review).contains(#"<div class="big">+27<span class="delta none" title="no sessions to compare">–</span>"#))
    }

    @Test func theWeeklyChartHasAPointPerWeekWithSessionsAndUsesThePagesWidth() throws {
        let html = ReviewHTML.render(Self.sample())
        let weekly = try #require(html.components(separatedBy: #"id="nps-by-week""#).dropFirst().first?.components(separatedBy: "</svg>").first)
        #expect(weekly.components(separatedBy: "<circle").count - 1 == 8)
        #expect(weekly.contains(">W23</text>") && weekly.contains(">W16</text>"))
        for id in ["nps-by-week", "nps-by-day", "score-distribution"] {
            #expect(html.contains(#"id="\#(id)" viewBox="#), "\(id)")
        }
        #expect(html.components(separatedBy: #"width="100%""#).count - 1 == 3)
        #expect(!html.contains(#"height="240""#))
        #expect(html.contains("<figure class=\"wide\"><svg"))
        #expect(!ReviewHTML.render(ReviewPageTests.sample()).contains("nps-by-week"))
    }

    @Test func eachPatternSaysWhetherItIsNewRecurringOrGone() {
        let html = ReviewHTML.render(Self.sample())
        #expect(html.contains(#"<td>CheckoutError: charge of &lt;num&gt; is above the cart total &lt;num&gt;</td><td><span class="status recurring""#))
        #expect(html.contains(#"<td>CheckoutError: cart is empty at checkout</td><td><span class="status new""#))
        #expect(html.contains(#"<div id="resolved"><h3>Gone since the previous period</h3>"#))
        #expect(html.contains(#">resolved</span> Search returns nothing for plurals — 12 sessions the period before · <a href="https://github.com/acme/shop/issues/3">gh:acme/shop#3</a>"#))
    }

    @Test func mostlyLowConfidenceScoresGetABanner() {
        var review = Self.sample()
        review.lowConfidence = 161
        #expect(ReviewHTML.render(review).contains(#"<p class="banner" id="low-confidence">"#))
        #expect(ReviewHTML.render(review).contains("161 of 320 scores (50%)"))
        #expect(ReviewMarkdown.render(review).contains("**Read these figures with care:** 161 of 320"))
        review.lowConfidence = 160
        #expect(!ReviewHTML.render(review).contains("low-confidence"))
    }

    @Test func theDiffIsFoldedUnderItsSize() {
        let html = ReviewHTML.render(Self.sample())
        #expect(html.contains(#"<details class="diff"><summary>The change: 1 file, +1 −1</summary><pre class="diff">"#))
        #expect(!html.contains("<details open"))
        #expect(ReviewMarkdown.render(Self.sample()).contains("<details><summary>The change</summary>\n\n```diff\n--- a/shop/cart.py"))
    }

    @Test func sessionsTicketsAndPullRequestsAreLinks() {
        let html = ReviewHTML.render(Self.sample())
        #expect(html.contains(#"<a class="replay" href="https://eu.posthog.com/project/7/replay/01972fad-4bec-7da3" title="watch the session's replay"><code>01972fad-4bec</code></a>"#))
        #expect(html.contains(#"<h3><a href="https://github.com/acme/shop/issues/9">gh:acme/shop#9</a> — <span class="outcome">fixed</span></h3>"#))
        #expect(html.contains(#"pull request <a href="https://github.com/acme/shop/pull/7">https://github.com/acme/shop/pull/7</a> <span class="pr-state merged">merged</span>"#))
        // A local ticket stays text.
        #expect(html.contains(#"<span class="ticket"><code>local:1</code></span>"#))
        let markdown = ReviewMarkdown.render(Self.sample())
        #expect(markdown.contains("[`01972fad-4bec`](https://eu.posthog.com/project/7/replay/01972fad-4bec-7da3)"))
        #expect(markdown.contains("### [gh:acme/shop#9](https://github.com/acme/shop/issues/9) — fixed"))
        #expect(markdown.contains("PR https://github.com/acme/shop/pull/7 (merged)"))
    }

    @Test func aPullRequestStateGitHubCouldNotConfirmIsMarkedLastKnown() {
        var review = Self.sample()
        review.fixes[0].pullRequestStateIsLastKnown = true
        let html = ReviewHTML.render(review)
        #expect(html.contains(#"<span class="pr-state merged">merged</span> <span class="muted">(last known, read 2025-06-02T00:00:00Z)</span>"#))
        #expect(ReviewMarkdown.render(review).contains("(merged, last known)"))
    }

    @Test func theMarkdownCarriesTheChangeAndTheWeeks() {
        let markdown = ReviewMarkdown.render(Self.sample())
        #expect(markdown.contains("implied NPS **+27** (130 promoters, 147 passives, 43 detractors) · ▲5 since the previous period (300 sessions, NPS +22)"))
        #expect(markdown.contains("## Implied NPS per week\n\n| week | NPS | sessions |\n|---|---:|---:|\n| 2025-W14 | +14 | 100 |"))
        #expect(markdown.contains("| 2025-W16 | – | 0 |"))
        #expect(markdown.contains("| CheckoutError: cart is empty at checkout | new | bug |"))
        #expect(markdown.contains("Gone since the previous period: Search returns nothing for plurals (12 sessions the period before)"))
    }
}
