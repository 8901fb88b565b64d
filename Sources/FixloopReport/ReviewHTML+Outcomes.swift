import Foundation

/// "Did last weeks' fixes work?": each fix deployed before the period's end, with a small before/after chart, its
/// figures and verdict; and the merge dates marked on the weekly NPS chart.
extension ReviewHTML {
    static func outcomes(_ review: WeeklyReview) -> String {
        guard !review.outcomes.isEmpty else { return "" }
        var html = #"<section id="outcomes"><h2>Did last weeks' fixes work?</h2>"#
        for (index, outcome) in review.outcomes.enumerated() {
            let verdict = outcome.verdict ?? "not measured"
            html += "<article class=\"outcome \(e(verdict.replacingOccurrences(of: " ", with: "-")))\" id=\"outcome-\(index + 1)\">"
            html += "<h3>\(anchor(outcome.ticket, outcome.ticketURL)) — <span class=\"verdict \(e(verdict))\">\(e(verdict.replacingOccurrences(of: "_", with: " ")))</span></h3>"
            if !outcome.title.isEmpty { html += "<p>\(e(outcome.title))</p>" }
            html += "<div class=\"outcome-body\"><figure class=\"before-after\">\(SVGChart.beforeAfter(outcome, id: "outcome-chart-\(index + 1)"))</figure><div>"
            var where_: [String] = []
            if let pr = outcome.pullRequest { where_.append("pull request \(link(pr))") }
            if let branch = outcome.branch { where_.append("branch <code>\(e(branch))</code>") }
            if let merged = outcome.mergedAt { where_.append("merged \(day(merged))") }
            where_.append("deployed \(day(outcome.deployedAt))")
            html += "<p class=\"where\">\(where_.joined(separator: " · "))</p>"
            if outcome.verdict == nil {
                html += "<p class=\"empty\">Not measured yet: <code>fixloop outcomes</code> measures it.</p>"
            } else {
                let window = String(format: "%.1f", outcome.windowDays)
                html += "<table class=\"outcome-figures\"><thead><tr><th></th><th>\(window) days before</th><th>after</th></tr></thead><tbody>"
                html += "<tr><td>matching sessions</td><td class=\"num\">\(outcome.matchingBefore)</td><td class=\"num\">\(outcome.matchingAfter)</td></tr>"
                html += "<tr><td><code>\(e(outcome.route))</code>'s implied NPS</td><td class=\"num\">\(npsText(outcome.npsBefore))</td><td class=\"num\">\(npsText(outcome.npsAfter))</td></tr></tbody></table>"
                if let reason = outcome.reason { html += "<p>\(e(reason))</p>" }
            }
            html += "</div></div></article>"
        }
        return html + "</section>\n"
    }

    /// A marker on the weekly chart at each fix's merge (its deploy when the merge is not known), placed within its
    /// ISO week; fixes merged outside the charted weeks get none.
    static func mergeMarkers(_ review: WeeklyReview) -> [SVGChart.Marker] {
        review.outcomes.compactMap { outcome in
            let date = outcome.mergedAt ?? outcome.deployedAt
            let week = ISOWeek(containing: date)
            guard let index = review.weeks.firstIndex(where: { $0.label == week.description }) else { return nil }
            let within = date.timeIntervalSince(week.start) / (7 * 86_400)
            let label = "\(outcome.mergedAt == nil ? "deployed" : "merged") \(shortDay(date))"
            return SVGChart.Marker(at: Double(index) + within - 0.5, label: "\(outcome.ticket) \(label)",
                                   title: "\(outcome.ticket): \(label)\(outcome.verdict.map { ", \($0)" } ?? "")")
        }
    }

    static func npsText(_ nps: Double?) -> String { nps.map { String(format: "%+.0f", $0) } ?? "n/a" }

    static func shortDay(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM"
        return formatter.string(from: date)
    }

    static let outcomeStyle = """
        .outcome-body{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.outcome-body>div{flex:1;min-width:260px}
        figure.before-after{width:360px;max-width:100%}table.outcome-figures{width:auto;margin:6px 0}
        .verdict{font-weight:600}.verdict.healed{color:var(--promoter)}.verdict.regressed,.verdict.not_healed{color:var(--detractor)}.verdict.improving{color:var(--accent)}
        svg .before{fill:#9ca3af}svg .after{fill:var(--accent)}svg .merge{stroke:#7c3aed;stroke-width:1.5;stroke-dasharray:4 3}svg .merge-label{fill:#5b21b6;font-weight:600}
        """
}
