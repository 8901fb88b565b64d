import Foundation

/// The week's review as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets.
public enum ReviewHTML {
    /// Renders the page.
    public static func render(_ review: WeeklyReview) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(review.product)) — week of \(day(review.periodStart)) · Fixloop review</title>
            <style>\(style)\(outcomeStyle)\(roundStyle)</style></head><body>
            <header><h1>\(e(review.product)) — the week's review</h1>
            <p class="period">\(day(review.periodStart)) to \(day(review.periodEnd.addingTimeInterval(-1)))\(e(partialNote(review))) · made \(stamp(review.generatedAt)) by Fixloop</p></header>
            <main>

            """
        html += lowConfidenceBanner(review)
        html += summary(review)
        html += """
            <section id="nps"><h2>Implied NPS</h2>
            <div class="charts">\(weekly(review))<figure>\(SVGChart.npsLine(review.days))<figcaption>Implied NPS per day (promoters − detractors, in %)</figcaption></figure>
            <figure>\(SVGChart.distribution(review.distribution))<figcaption>Sessions by implied score: <span class="detractor-text">0–6 detractors</span>, <span class="passive-text">7–8 passives</span>, <span class="promoter-text">9–10 promoters</span></figcaption></figure></div>
            </section>

            """
        html += patterns(review)
        html += decisions(review)
        html += fixes(review)
        html += outcomes(review)
        html += worst(review)
        html += spend(review)
        html += "</main>\n<footer>Fixloop · scores are implied from what users did, not asked of them.</footer>\n</body></html>\n"
        return html
    }

    private static func patterns(_ review: WeeklyReview) -> String {
        var html = #"<section id="patterns"><h2>Patterns</h2>"#
        if let hint = review.plannerHint {
            return html + "<p class=\"empty\" id=\"planner-not-run\">The planner has not run for this period: <code>\(e(hint))</code></p></section>\n"
        }
        if review.patterns.isEmpty { return html + "<p class=\"empty\">No failure patterns this week.</p>\(resolved(review))</section>\n" }
        html += "<table><thead><tr><th>pattern</th><th>status</th><th>kind</th><th>sessions</th><th>users</th><th>mean score</th><th>decision</th></tr></thead><tbody>"
        for pattern in review.patterns {
            html += "<tr class=\"pattern \(e(pattern.decision))\"><td>\(e(pattern.name))</td><td>\(status(pattern))</td><td>\(e(pattern.kind))</td><td class=\"num\">\(pattern.sessions)</td><td class=\"num\">\(pattern.users)</td>"
            html += "<td class=\"num\">\(String(format: "%.1f", pattern.meanScore)) <span class=\"muted\">vs \(String(format: "%.1f", pattern.baselineScore))</span></td>"
            html += "<td><span class=\"badge \(e(pattern.decision))\">\(e(pattern.decision))</span></td></tr>"
            if !pattern.examples.isEmpty {
                html += "<tr class=\"examples\"><td colspan=\"7\"><ul>"
                for example in pattern.examples.prefix(3) {
                    html += "<li>\(session(example, short: true)) score \(example.score): \(e(example.blurb.prefix(2).joined(separator: "; ")))</li>"
                }
                html += "</ul></td></tr>"
            }
        }
        return html + "</tbody></table>\(resolved(review))</section>\n"
    }

    private static func decisions(_ review: WeeklyReview) -> String {
        let chosen = review.patterns.filter { $0.decision == "ticket" || $0.decision == "flag" }
        var html = #"<section id="decisions"><h2>Tickets and flags</h2>"#
        if chosen.isEmpty { return html + "<p class=\"empty\">Nothing reached a flag this week.</p></section>\n" }
        for pattern in chosen {
            html += "<article class=\"decision \(e(pattern.decision))\"><h3><span class=\"badge \(e(pattern.decision))\">\(e(pattern.decision))</span> \(e(pattern.name))"
            if let ticket = pattern.ticket { html += " <span class=\"ticket\">\(anchor(ticket, pattern.ticketURL))</span>" }
            html += "</h3><p>\(e(pattern.reason))</p>"
            if !pattern.suspects.isEmpty {
                html += "<p class=\"suspects\">Suspected code: " + pattern.suspects.prefix(5).map { "<code>\(e($0))</code>" }.joined(separator: ", ") + "</p>"
            }
            html += "</article>"
        }
        return html + "</section>\n"
    }

    private static func fixes(_ review: WeeklyReview) -> String {
        var html = #"<section id="fixes"><h2>Fixes and pull requests</h2>"#
        html += errors(review)
        if review.fixes.isEmpty && review.errors.isEmpty { return html + "<p class=\"empty\">The engineer ran no tickets this week.</p></section>\n" }
        for fix in review.fixes {
            html += "<article class=\"fix \(e(fix.outcome.replacingOccurrences(of: " ", with: "-")))\"><h3>\(anchor(fix.ticket, fix.ticketURL)) — <span class=\"outcome\">\(e(fix.outcome))</span></h3>"
            html += "<p>\(e(fix.reason))</p>"
            if !fix.rootCause.isEmpty { html += "<p><strong>Root cause.</strong> \(e(fix.rootCause))</p>" }
            var where_: [String] = []
            if let pr = fix.pullRequest { where_.append("pull request \(link(pr))\(pullRequestState(fix))") }
            if let branch = fix.branch { where_.append("branch <code>\(e(branch))</code>") }
            where_.append("run <code>\(e(fix.runID))</code>")
            where_.append(String(format: "cost $%.4f", fix.costUSD))
            html += "<p class=\"where\">\(where_.joined(separator: " · "))</p>"
            if !fix.failToPass.isEmpty || !fix.passToPass.isEmpty {
                html += "<table class=\"tests\"><thead><tr><th>test</th><th>before</th><th>after</th></tr></thead><tbody>"
                for test in fix.failToPass { html += "<tr><td><code>\(e(test))</code></td><td class=\"fail\">fail</td><td class=\"pass\">pass</td></tr>" }
                for test in fix.passToPass.prefix(20) { html += "<tr><td><code>\(e(test))</code></td><td class=\"pass\">pass</td><td class=\"pass\">pass</td></tr>" }
                if fix.passToPass.count > 20 { html += "<tr><td colspan=\"3\" class=\"muted\">and \(fix.passToPass.count - 20) more that passed before and after</td></tr>" }
                html += "</tbody></table>"
            }
            html += rounds(fix)
            if !fix.diff.isEmpty { html += diffDetails(fix.diff) }
            html += "</article>"
        }
        return html + "</section>\n"
    }

    private static func worst(_ review: WeeklyReview) -> String {
        guard !review.worstSessions.isEmpty else { return "" }
        var html = #"<section id="worst"><h2>Lowest-scored sessions</h2><ul>"#
        for session in review.worstSessions {
            html += "<li>\(self.session(session, short: false)) <strong>\(session.score)</strong> — \(e(session.blurb.prefix(3).joined(separator: "; ")))</li>"
        }
        return html + "</ul></section>\n"
    }

    private static func spend(_ review: WeeklyReview) -> String {
        var html = #"<section id="spend"><h2>Model spend by layer</h2>"#
        if review.spend.isEmpty { return html + "<p class=\"empty\">No model calls this week.</p></section>\n" }
        html += "<table><thead><tr><th>layer</th><th>calls</th><th>tokens</th><th>cost</th></tr></thead><tbody>"
        for line in review.spend {
            html += "<tr><td>\(e(line.layer))</td><td class=\"num\">\(line.calls)</td><td class=\"num\">\(line.tokens)</td><td class=\"num\">\(String(format: "$%.4f", line.costUSD))</td></tr>"
        }
        return html + "</tbody></table></section>\n"
    }

    static func diffLines(_ diff: String) -> String {
        diff.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let text = e(String(line))
            if line.hasPrefix("+++") || line.hasPrefix("---") || line.hasPrefix("diff ") || line.hasPrefix("index ") {
                return "<span class=\"file\">\(text)</span>"
            }
            if line.hasPrefix("+") { return "<span class=\"add\">\(text)</span>" }
            if line.hasPrefix("-") { return "<span class=\"del\">\(text)</span>" }
            if line.hasPrefix("@@") { return "<span class=\"hunk\">\(text)</span>" }
            return text
        }.joined(separator: "\n")
    }

    /// The tickets whose last run was an error, apart from the fix rate.
    private static func errors(_ review: WeeklyReview) -> String {
        guard !review.errors.isEmpty else { return "" }
        var html = "<div id=\"run-errors\"><p>Runs that could not be done (not counted in the fix rate):</p><ul>"
        for fix in review.errors {
            html += "<li>\(anchor(fix.ticket, fix.ticketURL)) — run <code>\(e(fix.runID))</code>: \(e(fix.reason))</li>"
        }
        return html + "</ul></div>"
    }

    /// ` (partial: up to … UTC)` when the period ends after the review was made, else empty.
    static func partialNote(_ review: WeeklyReview) -> String {
        guard let until = review.partialUntil else { return "" }
        return " (partial: up to \(stamp(until)))"
    }

    static func link(_ reference: String) -> String {
        if reference.hasPrefix("https://") || reference.hasPrefix("http://") {
            return "<a href=\"\(e(reference))\">\(e(reference))</a>"
        }
        return "<code>\(e(reference))</code>"
    }

    static func e(_ text: String) -> String { HTMLText.escape(text) }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE d MMM yyyy"
        return formatter.string(from: date)
    }

    static func stamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    private static let style = """
        :root{--ink:#1d2330;--muted:#6b7280;--line:#e5e7eb;--promoter:#15803d;--passive:#9ca3af;--detractor:#dc2626;--accent:#2563eb}
        body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);margin:0;background:#f8fafc}
        header,main,footer{max-width:1080px;margin:0 auto;padding:0 24px}header{padding-top:24px}
        h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 12px;border-bottom:1px solid var(--line);padding-bottom:4px}
        h3{font-size:16px;margin:0 0 6px}.period,.muted,footer{color:var(--muted)}footer{padding:32px 24px}
        .cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;min-width:110px}
        .big{font-size:26px;font-weight:600}.split{width:100%;margin:0;color:var(--muted)}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}.charts .wide{grid-column:1/-1}
        figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px;min-width:0}
        figcaption{color:var(--muted);font-size:13px;padding:4px 8px}svg{width:100%;height:auto;display:block}
        .delta{font-size:13px;font-weight:600;margin-left:6px}.delta.good{color:var(--promoter)}.delta.bad{color:var(--detractor)}.delta.same,.delta.none{color:var(--muted);font-weight:400}
        .banner{background:#fef3c7;border:1px solid #f59e0b;border-radius:8px;padding:10px 14px;margin-top:16px}
        .status{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px}.status.new{background:#dbeafe;color:#1e40af}.status.recurring{background:#fee2e2;color:#991b1b}.status.resolved{background:#dcfce7;color:#166534}
        .pr-state{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;background:#e5e7eb;margin-left:4px}.pr-state.merged{background:#ede9fe;color:#5b21b6}.pr-state.open{background:#dcfce7;color:#166534}.pr-state.closed{background:#fee2e2;color:#991b1b}
        details.diff summary{cursor:pointer;color:var(--accent);margin:6px 0}
        svg .grid{stroke:var(--line)}svg .axis{stroke:#9ca3af}svg .line{fill:none;stroke:var(--accent);stroke-width:2.5}
        svg .point{fill:var(--accent)}svg text{font-size:11px;fill:var(--muted)}svg .value{fill:var(--ink);font-weight:600}
        svg .promoter{fill:var(--promoter)}svg .passive{fill:var(--passive)}svg .detractor{fill:var(--detractor)}
        .promoter-text{color:var(--promoter)}.passive-text{color:#6b7280}.detractor-text{color:var(--detractor)}
        table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line)}th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-size:13px;color:var(--muted);font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}
        tr.examples td{background:#fafafa;font-size:13px}tr.examples ul{margin:0;padding-left:18px}
        .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;background:#e5e7eb}
        .badge.ticket{background:#fee2e2;color:#991b1b}.badge.flag{background:#fef3c7;color:#92400e}
        article{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin-bottom:12px}
        .fix.fixed .outcome{color:var(--promoter)}.where{color:var(--muted);font-size:13px}
        td.pass{color:var(--promoter);font-weight:600}td.fail{color:var(--detractor);font-weight:600}table.tests{margin:8px 0;width:auto}
        pre.diff{background:#0f172a;color:#e2e8f0;padding:12px;border-radius:6px;overflow:auto;font-size:13px}
        .diff .add{color:#86efac}.diff .del{color:#fca5a5}.diff .hunk{color:#93c5fd}.diff .file{color:#cbd5e1;font-weight:600}
        code{font-size:13px}.empty{color:var(--muted)}
        """
}
