import FixloopCore
import FixloopEngineer
import Foundation

/// What a revision round did: the engineer's report, the commit it pushed (none when it changed nothing), the one
/// reply it posted. `fixloop revise --json` prints it and the run's `report.json` keeps it; exit codes as `fix`'s.
public struct RevisionOutcome: Sendable, Encodable {
    /// How the round ended, beyond the engineer's outcome.
    public enum Result: String, Sendable, Encodable {
        /// A new commit on top of the branch, pushed.
        case revised
        /// The round found nothing to change; nothing was pushed.
        case unchanged
        /// The engineer did not get a change through the tests, the policy or verification; nothing was pushed.
        case notRevised = "not_revised"
        /// The branch moved to commits Fixloop did not write while the round ran; nothing was pushed (never forced).
        case branchMoved = "branch_moved"
    }

    public var result: Result
    public var engineer: EngineerReport
    public var runID: String
    public var pullRequest: String
    public var ticket: String
    public var trajectory: String
    public var branch: String
    /// The commit pushed on top of the branch.
    public var commit: String?
    public var prURL: String?
    /// The round's one reply on the pull request.
    public var replyID: Int?
    /// The review comments the round answered.
    public var answered: [Int] = []
    public var costUSD: Double = 0
    public var costPriced = true

    /// How the run ended, as the store keeps it: `fixed` only when a commit was pushed.
    public var status: RunStatus {
        switch result {
        case .revised: .fixed
        case .unchanged, .notRevised, .branchMoved: engineer.outcome == .error ? .error : .notFixed
        }
    }

    private enum Keys: String, CodingKey {
        case result, runID = "run_id", pullRequest = "pull_request", ticket, trajectory, branch, commit, prURL = "pr_url"
        case replyID = "reply_id", answered, cost
    }

    public func encode(to encoder: Encoder) throws {
        try engineer.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(result, forKey: .result)
        try container.encode(runID, forKey: .runID)
        try container.encode(pullRequest, forKey: .pullRequest)
        try container.encode(ticket, forKey: .ticket)
        try container.encode(trajectory, forKey: .trajectory)
        try container.encode(branch, forKey: .branch)
        try container.encode(commit, forKey: .commit)
        try container.encode(prURL, forKey: .prURL)
        try container.encode(replyID, forKey: .replyID)
        try container.encode(answered, forKey: .answered)
        try container.encode(costPriced ? costUSD : nil, forKey: .cost)
    }

    /// The few lines `fixloop revise` prints.
    public var humanSummary: String {
        var lines = ["\(result.rawValue): \(engineer.reason)", "run \(runID) — revision round of \(pullRequest) (ticket \(ticket))"]
        if !engineer.reproduction.isEmpty { lines.append("kept passing: \(engineer.reproduction.joined(separator: ", "))") }
        if let commit { lines.append("commit: \(commit) on \(branch)") }
        if let prURL { lines.append("pull request: \(prURL)") }
        if !answered.isEmpty { lines.append("answered: " + answered.map { "comment \($0)" }.joined(separator: ", ")) }
        lines.append("turns \(engineer.turns), tokens \(engineer.tokens), cost \(FixOutcome.costText(costUSD, priced: costPriced))")
        lines.append("trajectory: \(trajectory)  (fixloop show \(runID))")
        return lines.joined(separator: "\n")
    }
}
