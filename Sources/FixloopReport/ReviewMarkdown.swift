import Foundation

/// The week's review as Markdown, for pasting into an issue, a wiki or a chat.
public enum ReviewMarkdown {
    /// Renders the review.
    public static func render(_ review: WeeklyReview) -> String {
        var lines: [String] = []
        lines.append("# \(review.product) — the week's review")
        lines.append("")
        lines.append("\(ReviewHTML.day(review.periodStart)) to \(ReviewHTML.day(review.periodEnd.addingTimeInterval(-1)))\(ReviewHTML.partialNote(review)) · \(review.overall.sessions) sessions · "
            + "implied NPS **\(SVGChart.signed(review.overall.nps))** (\(review.overall.promoters) promoters, \(review.overall.passives) passives, "
            + "\(review.overall.detractors) detractors)" + change(review))
        if review.mostlyLowConfidence {
            lines.append("")
            lines.append("> **Read these figures with care:** \(review.lowConfidence) of \(review.overall.sessions) scores are the rubric's "
                + "low-confidence guesses, not a model's grade (`fixloop score --grading unsure --model …`).")
        }
        if !review.weeks.isEmpty {
            lines.append("")
            lines.append("## Implied NPS per week")
            lines.append("")
            lines.append("| week | NPS | sessions |")
            lines.append("|---|---:|---:|")
            for week in review.weeks { lines.append("| \(week.label) | \(week.sessions > 0 ? SVGChart.signed(week.nps) : "–") | \(week.sessions) |") }
        }
        lines.append("")
        lines.append("## Implied NPS per day")
        lines.append("")
        lines.append("| day | NPS | sessions |")
        lines.append("|---|---:|---:|")
        for day in review.days { lines.append("| \(day.label) | \(SVGChart.signed(day.nps)) | \(day.sessions) |") }
        lines.append("")
        lines.append("## Patterns")
        lines.append("")
        if let hint = review.plannerHint {
            lines.append("The planner has not run for this period: `\(hint)`")
        } else if review.patterns.isEmpty {
            lines.append("No failure patterns this week.")
        } else {
            lines.append("| pattern | status | kind | sessions | users | mean score | decision |")
            lines.append("|---|---|---|---:|---:|---:|---|")
            for pattern in review.patterns {
                lines.append("| \(cell(pattern.name)) | \(pattern.status ?? "") | \(pattern.kind) | \(pattern.sessions) | \(pattern.users) | "
                    + "\(String(format: "%.1f", pattern.meanScore)) (week \(String(format: "%.1f", pattern.baselineScore))) | \(pattern.decision)\(pattern.ticket.map { " \(link($0, pattern.ticketURL))" } ?? "") |")
            }
        }
        for pattern in review.resolved {
            lines.append("")
            lines.append("Gone since the previous period: \(pattern.name) (\(pattern.sessions) sessions the period before)")
        }
        let chosen = review.patterns.filter { $0.decision == "ticket" || $0.decision == "flag" }
        if !chosen.isEmpty {
            lines.append("")
            lines.append("## Tickets and flags")
            for pattern in chosen {
                lines.append("")
                lines.append("- **\(pattern.decision)**: \(pattern.name)\(pattern.ticket.map { " (\(link($0, pattern.ticketURL)))" } ?? "") — \(pattern.reason)")
                for example in pattern.examples.prefix(2) {
                    lines.append("  - \(link("`\(example.sessionID.prefix(13))`", example.replayURL)) score \(example.score): \(example.blurb.prefix(2).joined(separator: "; "))")
                }
                if !pattern.suspects.isEmpty {
                    lines.append("  - suspected code: " + pattern.suspects.prefix(5).map { "`\($0)`" }.joined(separator: ", "))
                }
            }
        }
        lines.append("")
        lines.append("## Fixes")
        if !review.errors.isEmpty {
            lines.append("")
            lines.append("Runs that could not be done (not counted in the fix rate):")
            for fix in review.errors { lines.append("- \(link(fix.ticket, fix.ticketURL)) — run `\(fix.runID)`: \(fix.reason)") }
        }
        if review.fixes.isEmpty && review.errors.isEmpty {
            lines.append("")
            lines.append("The engineer ran no tickets this week.")
        }
        for fix in review.fixes {
            lines.append("")
            lines.append("### \(link(fix.ticket, fix.ticketURL)) — \(fix.outcome)")
            lines.append("")
            lines.append(fix.reason)
            if !fix.rootCause.isEmpty { lines.append(""); lines.append("Root cause: \(fix.rootCause)") }
            var where_: [String] = []
            if let pr = fix.pullRequest { where_.append("PR \(pr)\(fix.pullRequestState.map { " (\($0)\(fix.pullRequestStateIsLastKnown ? ", last known" : ""))" } ?? "")") }
            if let branch = fix.branch { where_.append("branch `\(branch)`") }
            where_.append("run `\(fix.runID)`")
            where_.append(String(format: "$%.4f", fix.costUSD))
            lines.append("")
            lines.append(where_.joined(separator: " · "))
            if !fix.failToPass.isEmpty {
                lines.append("")
                lines.append("Failed before, pass after: " + fix.failToPass.map { "`\($0)`" }.joined(separator: ", "))
                lines.append("Passed before and after: \(fix.passToPass.count) tests")
            }
            if !fix.rounds.isEmpty {
                lines.append("")
                lines.append("Rounds on the pull request: " + fix.rounds.map {
                    "\(ReviewHTML.roundKind($0.kind)) \(ReviewHTML.stamp($0.startedAt)) \($0.outcome) \(String(format: "$%.4f", $0.costUSD))"
                }.joined(separator: "; "))
            }
            if !fix.diff.isEmpty {
                lines.append("")
                lines.append("<details><summary>The change</summary>")
                lines.append("")
                lines.append("```diff")
                lines.append(fix.diff.hasSuffix("\n") ? String(fix.diff.dropLast()) : fix.diff)
                lines.append("```")
                lines.append("")
                lines.append("</details>")
            }
        }
        lines.append("")
        lines += outcomes(review)
        lines.append("## Model spend by layer")
        lines.append("")
        if review.spend.isEmpty {
            lines.append("No model calls this week.")
        } else {
            lines.append("| layer | calls | tokens | cost |")
            lines.append("|---|---:|---:|---:|")
            for line in review.spend {
                lines.append("| \(line.layer) | \(line.calls) | \(line.tokens) | \(String(format: "$%.4f", line.costUSD)) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// ` (▲5 vs the previous period)` after the NPS, or nothing when there is nothing to compare.
    private static func change(_ review: WeeklyReview) -> String {
        guard let before = review.previous, before.sessions > 0, review.overall.sessions > 0 else { return "" }
        let difference = review.overall.nps.rounded() - before.nps.rounded()
        let arrow = difference > 0 ? "▲" : difference < 0 ? "▼" : "±"
        return " · \(arrow)\(String(format: "%.0f", abs(difference))) since the previous period (\(before.sessions) sessions, NPS \(SVGChart.signed(before.nps)))"
    }

    /// `[text](url)`, or the text alone without a URL.
    private static func link(_ text: String, _ url: String?) -> String { url.map { "[\(text)](\($0))" } ?? text }

    private static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }

    /// "Did last weeks' fixes work?" as a table, with each verdict's reason under it; nothing without deployed fixes.
    private static func outcomes(_ review: WeeklyReview) -> [String] {
        guard !review.outcomes.isEmpty else { return [] }
        var lines = ["## Did last weeks' fixes work?", "",
                     "| ticket | fix | merged | deployed | matching before | after | NPS before | after | verdict |",
                     "|---|---|---|---|---:|---:|---:|---:|---|"]
        let day = { (date: Date) in ReviewHTML.shortDay(date) }
        for outcome in review.outcomes {
            let measured = outcome.verdict != nil
            let fix = outcome.pullRequest ?? outcome.branch.map { "branch `\($0)`" } ?? "-"
            lines.append("| \(cell(link(outcome.ticket, outcome.ticketURL))) | \(cell(fix)) | \(outcome.mergedAt.map(day) ?? "-") | \(day(outcome.deployedAt)) | "
                + (measured ? "\(outcome.matchingBefore) | \(outcome.matchingAfter) | \(ReviewHTML.npsText(outcome.npsBefore)) | \(ReviewHTML.npsText(outcome.npsAfter))" : "- | - | - | -")
                + " | \(cell(outcome.verdict?.replacingOccurrences(of: "_", with: " ") ?? "not measured (`fixloop outcomes`)")) |")
        }
        for outcome in review.outcomes {
            if let reason = outcome.reason { lines.append(""); lines.append("- \(outcome.ticket): \(reason)") }
        }
        lines.append("")
        return lines
    }
}
