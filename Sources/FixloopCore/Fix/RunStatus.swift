/// Where a fix run is, as the store keeps it.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    /// Its process is working on it.
    case running
    /// A verified change was found (and delivered as asked).
    case fixed
    /// The run ended without a verified change: a limit, a failed reproduction, a verification that failed.
    case notFixed = "not_fixed"
    /// Triage said the ticket is not a bug.
    case notABug = "not_a_bug"
    /// The run could not be done: a repository that did not clone, a missing key, a store that failed.
    case error
    /// Its process ended without finishing (killed, crashed); found by the next run on the same host.
    case interrupted

    /// True once the run has ended, whatever the result.
    public var isFinished: Bool { self != .running }
}
