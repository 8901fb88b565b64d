import FixloopCore
import FixloopVerify
import Foundation

/// Everything a run found out; `fixloop fix --json` prints it (with delivery fields added by the runner).
public struct EngineerReport: Sendable, Codable {
    public var outcome: EngineerOutcome
    /// Why it ended so: the budget that ran out, the policy rule, the verification failure.
    public var reason: String
    public var triage: TriageDecision?
    public var baseline: String
    public var flakyTests: [String]
    public var reproduction: [String]
    /// True when the reproduction test was written by the model for this run.
    public var reproductionWritten: Bool
    public var localization: Localization?
    public var diff: String
    public var changedFiles: [PullRequestBody.File]
    public var verification: VerificationReport?
    public var rootCause: String
    public var summary: String
    public var turns: Int
    public var tokens: Int
    public var candidates: [CandidateSummary]

    public struct CandidateSummary: Sendable, Codable, Equatable {
        public var index: Int
        public var fixed: Bool
        public var reason: String
        public var changedLines: Int
        public var turns: Int
    }

    enum CodingKeys: String, CodingKey {
        case outcome, reason, triage, baseline, reproduction, localization, diff, verification, summary, turns, tokens, candidates
        case flakyTests = "flaky_tests"
        case reproductionWritten = "reproduction_written"
        case changedFiles = "changed_files"
        case rootCause = "root_cause"
    }

    static func ended(_ outcome: EngineerOutcome, _ reason: String, triage: TriageDecision? = nil) -> EngineerReport {
        EngineerReport(outcome: outcome, reason: reason, triage: triage, baseline: "", flakyTests: [], reproduction: [],
                       reproductionWritten: false, localization: nil, diff: "", changedFiles: [], verification: nil,
                       rootCause: "", summary: "", turns: 0, tokens: 0, candidates: [])
    }
}
