import Foundation

/// What makes the page a decision tool: the cards with their change since the previous period, the weekly trend,
/// each pattern's status, the low-confidence caveat, and links to replays, tickets and pull requests.
extension ReviewHTML {
    /// One card: its id, the figure, what it is, and its change since the previous period.
    struct Card {
        var id: String, value: String, label: String, delta: String
    }

    static func summary(_ review: WeeklyReview) -> String {
        let now = review.totals, before = review.previous
        let cards = [
            Card(id: "sessions", value: "\(now.sessions)", label: "sessions graded",
                 delta: before.map { delta(Double(now.sessions - $0.sessions), higherIsBetter: true) } ?? ""),
            Card(id: "nps", value: SVGChart.signed(now.nps), label: "implied NPS",
                 delta: before.map { $0.sessions == 0 || now.sessions == 0 ? noDelta("no sessions to compare") : delta(now.nps.rounded() - $0.nps.rounded(), higherIsBetter: true, was: SVGChart.signed($0.nps)) } ?? ""),
            Card(id: "patterns", value: "\(now.patterns)", label: "failure patterns",
                 delta: before.map { delta(Double(now.patterns - $0.patterns), higherIsBetter: false) } ?? ""),
            Card(id: "tickets", value: "\(now.tickets)", label: now.tickets == 1 ? "ticket filed" : "tickets filed",
                 delta: before.map { delta(Double(now.tickets - $0.tickets), higherIsBetter: false) } ?? ""),
            Card(id: "flags", value: "\(now.flags)", label: now.flags == 1 ? "flag raised" : "flags raised",
                 delta: before.map { delta(Double(now.flags - $0.flags), higherIsBetter: false) } ?? ""),
            Card(id: "fixes", value: "\(now.fixed)/\(now.fixes)", label: "tickets fixed",
                 delta: before.map { delta(Double(now.fixed - $0.fixed), higherIsBetter: true, was: "\($0.fixed)/\($0.fixes)") } ?? ""),
            Card(id: "spend", value: String(format: "$%.2f", now.spendUSD), label: "model spend",
                 delta: before.map { delta(now.spendUSD - $0.spendUSD, higherIsBetter: false, dollars: true) } ?? ""),
        ]
        var html = #"<section id="summary" class="cards">"#
        for card in cards {
            html += #"<div class="card" id="card-\#(card.id)"><div class="big">\#(e(card.value))\#(card.delta)</div><div>\#(e(card.label))</div></div>"#
        }
        html += "<p class=\"split\">\(review.overall.promoters) promoters · \(review.overall.passives) passives · \(review.overall.detractors) detractors"
        if before != nil { html += " · changes are against the previous period" }
        return html + "</p></section>\n"
    }

    /// `▲5`, `▼3`, `±0`, coloured by whether the change is good news; the previous figure in its title.
    static func delta(_ difference: Double, higherIsBetter: Bool, was: String? = nil, dollars: Bool = false) -> String {
        let size = dollars ? String(format: "$%.2f", abs(difference)) : String(format: "%.0f", abs(difference))
        let title = was.map { " title=\"previous period: \(e($0))\"" } ?? ""
        if (dollars ? abs(difference) < 0.005 : abs(difference) < 0.5) {
            return "<span class=\"delta same\"\(title)>±\(dollars ? "$0" : "0")</span>"
        }
        let up = difference > 0
        return "<span class=\"delta \(up ? "up" : "down") \(up == higherIsBetter ? "good" : "bad")\"\(title)>\(up ? "▲" : "▼")\(size)</span>"
    }

    static func noDelta(_ why: String) -> String { "<span class=\"delta none\" title=\"\(e(why))\">–</span>" }

    /// The caveat when most scores are the rubric's low-confidence guesses, and how to firm them up.
    static func lowConfidenceBanner(_ review: WeeklyReview) -> String {
        guard review.mostlyLowConfidence else { return "" }
        let share = Int((Double(review.lowConfidence) / Double(review.overall.sessions) * 100).rounded())
        return "<p class=\"banner\" id=\"low-confidence\"><strong>Read these figures with care:</strong> \(review.lowConfidence) of "
            + "\(review.overall.sessions) scores (\(share)%) are the rubric's low-confidence guesses, not a model's grade. "
            + "Grade them with a model: <code>fixloop score --grading unsure --model …</code></p>\n"
    }

    /// The weekly NPS chart, across the whole width, when there is more than the period's own week to show.
    static func weekly(_ review: WeeklyReview) -> String {
        guard !review.weeks.isEmpty else { return "" }
        let chart = SVGChart.npsLine(review.weeks, id: "nps-by-week", title: "Implied NPS per ISO week", width: 1040, height: 220,
                                     markers: mergeMarkers(review)) {
            String($0.label.split(separator: "-").last ?? "")
        }
        return "<figure class=\"wide\">\(chart)<figcaption>Implied NPS per ISO week, the last \(review.weeks.count) weeks (weeks without graded sessions have no point)\(review.outcomes.isEmpty ? "" : "; dashed lines mark fixes' merges")</figcaption></figure>"
    }

    static func status(_ pattern: WeeklyReview.Pattern) -> String {
        guard let status = pattern.status else { return "" }
        let title = ["new": "no plan of the previous period found it", "recurring": "the previous period had it too",
                     "resolved": "the previous period had it; this one does not"][status] ?? ""
        return "<span class=\"status \(e(status))\" title=\"\(e(title))\">\(e(status))</span>"
    }

    /// The previous period's patterns this period's plans did not find.
    static func resolved(_ review: WeeklyReview) -> String {
        guard !review.resolved.isEmpty else { return "" }
        var html = "<div id=\"resolved\"><h3>Gone since the previous period</h3><ul>"
        for pattern in review.resolved {
            html += "<li>\(status(pattern)) \(e(pattern.name)) — \(pattern.sessions) sessions the period before"
            if let ticket = pattern.ticket { html += " · \(anchor(ticket, pattern.ticketURL))" }
            html += "</li>"
        }
        return html + "</ul></div>"
    }

    /// A session id, a link to its replay when there is one.
    static func session(_ example: WeeklyReview.SessionExample, short: Bool) -> String {
        let text = "<code>\(e(short ? String(example.sessionID.prefix(13)) : example.sessionID))</code>"
        guard let url = example.replayURL else { return text }
        return "<a class=\"replay\" href=\"\(e(url))\" title=\"watch the session's replay\">\(text)</a>"
    }

    /// A ticket or pull request: linked to `url` when known, else a link when the reference is one, else text.
    static func anchor(_ text: String, _ url: String?) -> String {
        guard let url else { return link(text) }
        return "<a href=\"\(e(url))\">\(e(text))</a>"
    }

    /// ` <span class="pr-state merged">merged</span>`, with when GitHub said so when it could not be asked now.
    static func pullRequestState(_ fix: WeeklyReview.Fix) -> String {
        guard let state = fix.pullRequestState else { return "" }
        var html = " <span class=\"pr-state \(e(state))\">\(e(state))</span>"
        if fix.pullRequestStateIsLastKnown, let read = fix.pullRequestStateReadAt {
            html += " <span class=\"muted\">(last known, read \(stamp(read)))</span>"
        }
        return html
    }

    /// The change, folded: a summary line with its size, the coloured diff inside.
    static func diffDetails(_ diff: String) -> String {
        let lines = diff.split(separator: "\n")
        let added = lines.filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }.count
        let removed = lines.filter { $0.hasPrefix("-") && !$0.hasPrefix("---") }.count
        let files = lines.filter { $0.hasPrefix("+++ ") }.count
        return "<details class=\"diff\"><summary>The change: \(files) \(files == 1 ? "file" : "files"), +\(added) −\(removed)</summary>"
            + "<pre class=\"diff\">\(diffLines(diff))</pre></details>"
    }
}
