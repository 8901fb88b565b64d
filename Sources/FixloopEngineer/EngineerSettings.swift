import FixloopCore
import Foundation

/// Limits and switches of one `fixloop fix` run. Every limit is checked before each model call.
public struct EngineerSettings: Sendable, Equatable {
    /// Model turns per candidate.
    public var maxTurns = 30
    /// Total tokens per candidate (input + output), nil for no limit.
    public var maxTokens: Int? = 400_000
    /// Wall clock for the whole run.
    public var timeout: Duration = .seconds(30 * 60)
    /// Independent attempts; the verified ones are compared and the best chosen.
    public var candidates = 1
    /// Sandbox runs (tests and commands) at once across the candidates; their model calls are not bounded by it.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// The first candidate whose change is accepted stops the others (`--first`); else every candidate finishes.
    public var firstFixWins = false
    /// Test runs of the baseline, to find flaky tests.
    public var baselineRuns = 1
    /// Go on with tickets triage does not call bugs.
    public var force = false
    /// The same action this many times in a row means the model is stuck.
    public var stuckRepeats = 3
    /// The model's context window in tokens (the price table's `context_window`); the edit loop keeps what it sends
    /// under half of it by eliding old tool outputs and test logs.
    public var contextTokens = PriceTable.defaultContextWindow
    /// Replies with neither a tool call nor an edit before giving up.
    public var maxFormatErrors = 3
    /// What a fix may change.
    public var policy = DiffPolicy()

    public init() {}
}

/// How a run ended. Expected endings are values; only failures to run at all are thrown.
public enum EngineerOutcome: String, Sendable, Codable, Equatable {
    case fixed
    case notFixed = "not_fixed"
    case notABug = "not_a_bug"
    case error
}

/// The ticket's class, from triage.
public enum TicketClass: String, Sendable, Codable, Equatable, CaseIterable {
    case bug
    case productFlow = "product_flow"
    case featureRequest = "feature_request"
    case unclear
}

/// Triage's answer and why.
public struct TriageDecision: Sendable, Codable, Equatable {
    public var ticketClass: TicketClass
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case ticketClass = "class"
        case reason
    }
}
