import FixloopCore
import Foundation

/// The model side of fix runs: a client per run, all under the process's one rate limiter per provider and one
/// spend keeper.
public protocol FixModels: Sendable {
    /// The client a run uses: `spec`'s, charged to `attribution`, also recorded to `record` when given.
    func client(for spec: ModelSpec, attribution: CallAttribution, record: URL?) throws -> any ModelClient

    /// The refusal every call of `spec` would meet before any work is done (a money budget and no price), or nil.
    func refusal(for spec: ModelSpec, runLimitUSD: Double?) -> BudgetRefusal?

    /// What the run has cost so far, in US dollars.
    func cost(ofRun runID: String) async -> Double

    /// `spec`'s context window in tokens (the price table's `context_window`, else a default).
    func contextWindow(for spec: ModelSpec) -> Int
}

extension FixModels {
    public func contextWindow(for spec: ModelSpec) -> Int { PriceTable.defaultContextWindow }
}

/// Where tickets are read from: files, standard input, GitHub, Linear, the local store.
public protocol TicketSource: Sendable {
    /// The ticket `reference` points at, as the model may see it (bounded by the ticket limits).
    func ticket(_ reference: TicketReference, credentials: FixRequest.Credentials) async throws -> Ticket
}

/// Reports a fix run makes while it works.
public struct FixObserver: Sendable {
    /// The run was claimed: its id, before any work.
    public var started: (@Sendable (_ runID: String) -> Void)?
    /// Each step's events as the trajectory records them, secrets redacted (the PR bot's progress comment follows
    /// the steps; `fix` prints a line for each).
    public var event: (@Sendable (FixStep, _ kind: String, _ detail: String) -> Void)?
    /// What each step found, as typed values (the PR bot's progress comment shows one line per stage from them).
    public var milestone: (@Sendable (FixMilestone) -> Void)?
    /// Transfer counts while the repository (its URL or path first) is fetched.
    public var fetch: (@Sendable (_ remote: String, _ progress: String) -> Void)?
    /// The fetch is done.
    public var fetched: (@Sendable () -> Void)?

    public init(started: (@Sendable (String) -> Void)? = nil, event: (@Sendable (FixStep, String, String) -> Void)? = nil,
                fetch: (@Sendable (String, String) -> Void)? = nil, fetched: (@Sendable () -> Void)? = nil,
                milestone: (@Sendable (FixMilestone) -> Void)? = nil) {
        self.started = started
        self.milestone = milestone
        self.event = event
        self.fetch = fetch
        self.fetched = fetched
    }
}
