import FixloopCore
import FixloopPlanner
import FixloopStore
import Foundation

/// One fix as `fixloop outcomes` and `fixloop tickets show` print it: ticket, pull request, merged, deployed,
/// matching sessions and the route's implied NPS before and after, verdict and reason.
struct OutcomeRow: Codable, Sendable {
    var ticket: String
    var title: String
    var pullRequest: String?
    var branch: String?
    /// `merged`, `open`, `branch`.
    var state: String
    var mergedAt: Date?
    var mergeCommit: String?
    /// `webhook`, `api`, `git`.
    var mergeLearntFrom: String?
    var deployedAt: Date?
    var deployStated: Bool
    var verdict: String?
    var reason: String?
    var announced: String?
    var reopenedAt: Date?
    var measurement: HealingMeasurement?

    init(_ life: FixLife) {
        ticket = life.ticket
        title = life.title
        pullRequest = life.pullRequest
        branch = life.branch
        state = life.state
        mergedAt = life.merge?.mergedAt
        mergeCommit = life.merge?.commit
        mergeLearntFrom = life.merge?.source.rawValue
        deployedAt = life.deployedAt
        deployStated = life.deployStated
        verdict = life.measurement?.verdict.rawValue
        reason = life.measurement?.reason
        announced = life.announced?.rawValue
        reopenedAt = life.reopenedAt
        measurement = life.measurement
    }

    static func table(_ rows: [OutcomeRow]) -> TextTable {
        var table = TextTable(header: ["ticket", "PR", "merged", "deployed", "before", "after", "NPS before", "NPS after", "verdict", "reason"],
                              alignments: [.left, .left, .left, .left, .right, .right, .right, .right])
        for row in rows {
            let m = row.measurement
            table.append([
                row.ticket, row.pullRequest.flatMap(Self.shortPR) ?? row.branch.map { "branch \($0)" } ?? "-",
                row.mergedAt.map(Self.day) ?? row.state, row.deployedAt.map(Self.day).map { $0 + (row.deployStated ? " (stated)" : "") } ?? "-",
                m.map { String($0.before.matching) } ?? "-", m.map { String($0.after.matching) } ?? "-",
                m?.before.routeNPS.map(HealingMeter.signed) ?? "-", m?.after.routeNPS.map(HealingMeter.signed) ?? "-",
                row.verdict ?? "-", row.reason ?? (row.mergedAt == nil ? "not merged yet" : "not deployed yet"),
            ])
        }
        return table
    }

    /// The lines `fixloop tickets show` adds under a ticket with a fix.
    var lines: [String] {
        var lines = ["", "## Outcome", "",
                     "fix: \(pullRequest ?? branch.map { "branch \($0)" } ?? "-") · \(state)"
                         + (mergedAt.map { " \(Self.day($0))" } ?? "") + (mergeLearntFrom.map { " (learnt from \($0))" } ?? "")]
        if let deployedAt { lines.append("deployed: \(Self.day(deployedAt))\(deployStated ? " (stated)" : "")") }
        if let m = measurement {
            lines.append("matching sessions: \(m.before.matching) in the \(String(format: "%.1f", m.windowDays)) days before, \(m.after.matching) after")
            lines.append("\(m.route)'s implied NPS: \(m.before.routeNPS.map(HealingMeter.signed) ?? "n/a") → \(m.after.routeNPS.map(HealingMeter.signed) ?? "n/a")")
            if let note = m.goalNote { lines.append("goal share: skipped, \(note)") }
            lines.append("verdict: \(m.verdict.rawValue) — \(m.reason)")
        }
        return lines
    }

    static func shortPR(_ url: String) -> String? {
        GitHubPullRequestURL(url).map { "\($0.owner)/\($0.name)#\($0.number)" } ?? url
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}

/// What `fixloop tickets show --json` prints: the stored ticket's fields and `outcome`, its fix's life as
/// `fixloop outcomes --json` prints it (null before a fix was pushed).
struct ShownTicket: Encodable {
    var ticket: SQLitePlanStore.StoredTicket
    var outcome: OutcomeRow?

    private enum Keys: String, CodingKey { case outcome }

    func encode(to encoder: any Encoder) throws {
        try ticket.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(outcome, forKey: .outcome)
    }
}
