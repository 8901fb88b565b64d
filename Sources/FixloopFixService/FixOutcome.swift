import FixloopCore
import FixloopEngineer
import Foundation

/// What a fix run found and delivered: the engineer's report plus the run and its delivery.
/// `fixloop fix --json` prints it, and the run's `report.json` keeps it.
public struct FixOutcome: Sendable, Encodable {
    public var engineer: EngineerReport
    public var runID: String
    public var ticket: String
    /// The trajectory file.
    public var trajectory: String
    public var branch: String?
    public var prURL: String?
    public var patchFile: String?
    public var costUSD: Double = 0
    /// False when the run's model has no price: its cost is unknown and shows as "unpriced", never as $0.
    public var costPriced = true

    public init(engineer: EngineerReport, runID: String, ticket: String, trajectory: String) {
        self.engineer = engineer
        self.runID = runID
        self.ticket = ticket
        self.trajectory = trajectory
    }

    /// How the run ended, as the store keeps it.
    public var status: RunStatus {
        switch engineer.outcome {
        case .fixed: .fixed
        case .notFixed: .notFixed
        case .notABug: .notABug
        case .error: .error
        }
    }

    private enum Keys: String, CodingKey {
        case runID = "run_id", ticket, trajectory, branch, prURL = "pr_url", patchFile = "patch_file", cost
    }

    public func encode(to encoder: Encoder) throws {
        try engineer.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(runID, forKey: .runID)
        try container.encode(ticket, forKey: .ticket)
        try container.encode(trajectory, forKey: .trajectory)
        try container.encode(branch, forKey: .branch)
        try container.encode(prURL, forKey: .prURL)
        try container.encode(patchFile, forKey: .patchFile)
        try container.encode(costPriced ? costUSD : nil, forKey: .cost)
    }

    /// A run's cost as printed: dollars, or "unpriced" when the model has no price.
    public static func costText(_ costUSD: Double, priced: Bool) -> String {
        priced ? String(format: "$%.4f", costUSD) : "unpriced (the model has no price; add it to [prices] in fixloop.toml)"
    }

    /// The few lines `fixloop fix` prints.
    public var humanSummary: String {
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
        lines.append("turns \(engineer.turns), tokens \(engineer.tokens), cost \(Self.costText(costUSD, priced: costPriced))")
        lines.append("trajectory: \(trajectory)  (fixloop show \(runID))")
        return lines.joined(separator: "\n")
    }
}
