import FixloopCore
import Foundation

extension PullRequestBody {
    /// The most test rows the body lists; the rest are counted ("and N more").
    static let testRows = 25

    /// The body for `report`, delivered as `target` says, as a pull request on `repository`.
    init(report: EngineerReport, target: Delivery.Target, repository: (owner: String, name: String)) {
        let after = report.verification?.after.outcomes ?? [:]
        let before = report.verification?.before.outcomes ?? [:]
        var rows = report.reproduction.map { TestRow(id: $0, before: "failed", after: after[$0]?.rawValue ?? "passed") }
        let others = after.keys.sorted().filter { !report.reproduction.contains($0) }
        for id in others.prefix(max(0, Self.testRows - rows.count)) {
            rows.append(.init(id: id, before: before[id]?.rawValue ?? "—", after: after[id]?.rawValue ?? "—"))
        }
        let failToPass = report.reproduction.map { "--fail-to-pass '\($0)'" }.joined(separator: " ")
        self.init(
            ticketLink: target.ticket.url ?? target.reference.description, ticketTitle: target.ticket.title, rootCause: report.rootCause,
            changeSummary: report.summary.isEmpty ? "See the diff." : report.summary, files: report.changedFiles, tests: rows,
            reproductionTest: report.reproduction.first,
            cost: (target.costPriced ? String(format: "$%.4f", target.costUSD) : "unpriced") + " (\(report.turns) turns, \(report.tokens) tokens)",
            reverifyCommand: "fixloop verify --repo \(target.remote.url) --commit \(target.baseCommit) --patch fix.patch "
                + "--test '\(target.testCommand)' \(failToPass)   # fix.patch: this pull request's diff",
            runID: target.runID,
            closingLine: Self.closingLine(for: target.reference, pullRequestOn: repository),
            moreTests: report.reproduction.count + others.count - rows.count,
            model: target.model.map { "\($0.name) (\($0.provider.rawValue))" } ?? "",
            impact: target.ticket.pattern.flatMap(Self.impact),
            requester: target.requester)
    }

    /// `Fixes #N` for an issue of the pull request's repository, `Fixes owner/repo#N` for another's, `Fixes KEY-N`
    /// for Linear (its magic word), and `Ticket: …` for tickets nothing closes (local, a file).
    static func closingLine(for reference: TicketReference, pullRequestOn repository: (owner: String, name: String)) -> String {
        switch reference {
        case .github(let owner, let name, let number):
            let same = owner.lowercased() == repository.owner.lowercased() && name.lowercased() == repository.name.lowercased()
            return same ? "Fixes #\(number)" : "Fixes \(owner)/\(name)#\(number)"
        case .linear(let identifier):
            return "Fixes \(identifier)"
        case .local, .file, .standardInput:
            return "Ticket: \(reference)"
        }
    }

    /// The "User impact" section's figures, from the planner's pattern; nil when the pattern carries none.
    static func impact(_ pattern: PatternEvidence) -> Impact? {
        guard let impact = pattern.impact else { return nil }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return Impact(
            sessions: impact.sessions, users: impact.users, share: "\(Int((impact.routeShare * 100).rounded()))%", route: pattern.route,
            meanScore: String(format: "%.1f", impact.meanScore), baselineScore: String(format: "%.1f", impact.baselineScore),
            firstSeen: day.string(from: impact.firstSeen), lastSeen: day.string(from: impact.lastSeen),
            examples: pattern.examples.prefix(5).map(\.sessionID))
    }
}
