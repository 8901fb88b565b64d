import FixloopCore
import FixloopPlanner
import Foundation

/// What `fixloop plan` prints: the period, the patterns with their decisions, the tickets.
struct PlanReport {
    let plan: PlanResult
    let sink: String
    let dryRun: Bool

    func jsonText() throws -> String { try JSONEncoder.prettyText(plan) }

    func text() -> String {
        let since = plan.since.map(Self.day) ?? "the beginning"
        var lines = [
            "plan \(since) → \(Self.day(plan.until)) · \(plan.sessions) sessions (\(plan.sessionsWithFacts) with failure facts) · "
                + "mean score \(Decision.format(plan.baselineMeanScore)) · NPS \(String(format: "%+.1f", plan.baselineNPS)) · named by \(plan.namedBy)",
        ]
        if plan.sessions > plan.sessionsWithFacts {
            lines.append("  \(plan.sessions - plan.sessionsWithFacts) sessions were scored before failure facts were kept; run fixloop score again to include them")
        }
        let counts = Dictionary(grouping: plan.decisions, by: \.action).mapValues(\.count)
        lines.append("patterns: \(plan.patterns.count) · tickets \(counts[.ticket] ?? 0) · flags \(counts[.flag] ?? 0) · ignored \(counts[.ignore] ?? 0)")
        for (pattern, decision) in zip(plan.patterns, plan.decisions) where decision.action != .ignore {
            let stats = pattern.stats
            lines.append("")
            lines.append("\(decision.action.rawValue.uppercased()) \(decision.priority.name) · \(pattern.name) [\(pattern.classification.rawValue)]")
            lines.append("  \(stats.sessions) sessions · \(stats.users) users · \(DecisionText.percent(stats.routeShare)) of \(stats.route)'s \(stats.routeSessions) sessions · "
                + "mean score \(Decision.format(stats.meanScore)) vs \(Decision.format(stats.baselineMeanScore)) · pattern \(pattern.fingerprint)")
            lines.append("  signature: \(pattern.signature.text)")
            for variant in pattern.variants.prefix(3) { lines.append("  also: \(variant.text)") }
            lines.append("  why: \(decision.reason)")
            for example in stats.examples.prefix(2) {
                lines.append("  e.g. \(example.sessionID) (\(example.score)): \(example.blurb.prefix(2).joined(separator: "; "))")
            }
            for location in pattern.suspectedCode.prefix(4) { lines.append("  code: \(location.text)") }
        }
        let ignored = plan.decisions.filter { $0.action == .ignore }.count
        if ignored > 0 { lines.append(""); lines.append("\(ignored) patterns below flag_sessions ignored (see --json)") }
        lines.append("")
        if dryRun {
            lines.append("tickets (\(sink), dry run — nothing changed):")
        } else {
            lines.append("tickets (\(sink)):")
        }
        if plan.tickets.isEmpty { lines.append("  none") }
        for ticket in plan.tickets {
            let name = plan.pattern(ticket.fingerprint)?.name ?? ticket.fingerprint
            lines.append("  \(ticket.action.rawValue.replacingOccurrences(of: "_", with: " ")) \(ticket.reference ?? "-") · \(name)\(ticket.url.map { " · \($0)" } ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}

enum DecisionText {
    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
}
