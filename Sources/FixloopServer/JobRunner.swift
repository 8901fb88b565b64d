import Foundation
import FixloopCore

/// Does the work of one job (the CLI wires the engineer's fix path in); reports its run, stages and what each step
/// found as it goes.
public protocol JobRunner: Sendable {
    /// Runs `job`. A thrown error fails the job with its message; cancellation releases it.
    func run(_ job: Job, progress: @escaping @Sendable (ProgressEvent) async -> Void) async throws -> JobOutcome
}

/// How a job ended.
public struct JobOutcome: Sendable, Equatable {
    /// `done` (a pull request), `failed` (no fix), `cancelled`, or `queued` with ``notBefore`` (back in the queue).
    public var state: JobState
    /// One sentence: the root cause, or why there is no fix.
    public var summary: String
    public var prURL: String?
    public var costUSD: Double
    /// On failure, what the engineer tried (turns, candidates, tests).
    public var tried: String?
    /// False when the model has no price, so the cost is unknown: shown as "unpriced", never as $0.
    public var costPriced: Bool
    /// With state `queued`: put the job back, to be claimed no earlier than this (a CI round whose checks still run).
    public var notBefore: Date?

    public init(state: JobState, summary: String, prURL: String? = nil, costUSD: Double = 0, tried: String? = nil, costPriced: Bool = true) {
        self.costPriced = costPriced
        self.state = state
        self.summary = summary
        self.prURL = prURL
        self.costUSD = costUSD
        self.tried = tried
    }
}
