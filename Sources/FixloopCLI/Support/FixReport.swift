import FixloopEngineer
import Foundation

/// What `fixloop fix --json` prints: the engineer's report plus the run and its delivery.
struct FixReport: Encodable {
    var engineer: EngineerReport
    var runID: String
    var ticket: String
    var trajectory: String
    var branch: String?
    var prURL: String?
    var patchFile: String?
    var costUSD: Double = 0

    init(engineer: EngineerReport, runID: String, ticket: String, trajectory: String) {
        self.engineer = engineer
        self.runID = runID
        self.ticket = ticket
        self.trajectory = trajectory
    }

    private enum Keys: String, CodingKey {
        case runID = "run_id", ticket, trajectory, branch, prURL = "pr_url", patchFile = "patch_file", cost
    }

    func encode(to encoder: Encoder) throws {
        try engineer.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(runID, forKey: .runID)
        try container.encode(ticket, forKey: .ticket)
        try container.encode(trajectory, forKey: .trajectory)
        try container.encode(branch, forKey: .branch)
        try container.encode(prURL, forKey: .prURL)
        try container.encode(patchFile, forKey: .patchFile)
        try container.encode(costUSD, forKey: .cost)
    }

    var humanSummary: String {
        var lines = ["\(engineer.outcome.rawValue): \(engineer.reason)", "run \(runID) — ticket \(ticket)"]
        if let triage = engineer.triage { lines.append("triage: \(triage.ticketClass.rawValue) (\(triage.reason))") }
        if !engineer.baseline.isEmpty { lines.append("baseline: \(engineer.baseline)") }
        if !engineer.reproduction.isEmpty {
            lines.append("reproduction\(engineer.reproductionWritten ? " (written for this run)" : ""): \(engineer.reproduction.joined(separator: ", "))")
        }
        if !engineer.changedFiles.isEmpty {
            lines.append("change: " + engineer.changedFiles.map { "\($0.path) +\($0.additions) −\($0.deletions)" }.joined(separator: ", "))
        }
        if !engineer.rootCause.isEmpty { lines.append("root cause: \(engineer.rootCause)") }
        if let branch { lines.append("branch: \(branch)") }
        if let prURL { lines.append("pull request: \(prURL)") }
        if let patchFile { lines.append("patch: \(patchFile)") }
        lines.append(String(format: "turns %d, tokens %d, cost $%.4f", engineer.turns, engineer.tokens, costUSD))
        lines.append("trajectory: \(trajectory)  (fixloop show \(runID))")
        return lines.joined(separator: "\n")
    }
}
