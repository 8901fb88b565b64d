import FixloopCore
import FixloopEngineer
import Foundation

/// One ticket to fix, as a plain value: what `fixloop fix`, a PR-bot job and the demo hand ``FixService``.
public struct FixRequest: Sendable {
    /// The ticket: where to read it, or the ticket itself (already read) with its reference.
    public enum TicketInput: Sendable {
        case reference(TicketReference)
        case ticket(Ticket, TicketReference)

        public var reference: TicketReference {
            switch self {
            case .reference(let reference), .ticket(_, let reference): reference
            }
        }
    }

    /// The credentials a run may use; read once at the edge, never from the environment here.
    public struct Credentials: Sendable {
        /// GitHub's API and git over HTTPS to GitHub hosts (a job's installation token, or `GITHUB_TOKEN`).
        public var github: Secret?
        /// Linear's API, for `linear:` tickets.
        public var linear: Secret?

        public init(github: Secret? = nil, linear: Secret? = nil) {
            self.github = github
            self.linear = linear
        }

        var all: [Secret] { [github, linear].compactMap { $0 } }
    }

    /// The run's limits.
    public struct Limits: Sendable, Equatable {
        /// Independent attempts; the best verified one is delivered.
        public var candidates = 1
        /// Sandbox runs at once across the candidates (default: the core count).
        public var jobs = ProcessInfo.processInfo.activeProcessorCount
        /// The first accepted candidate stops the others.
        public var firstFixWins = false
        /// Model turns per attempt.
        public var maxTurns = 30
        /// Most model spend for this run, in US dollars (nil: `[budgets] per_run_usd`).
        public var maxCostUSD: Double?
        /// Wall-clock limit of the whole run.
        public var timeout: Duration = .seconds(1800)
        /// Baseline test runs, to find flaky tests.
        public var baselineRuns = 1

        public init() {}
    }

    public var ticket: TicketInput
    /// The repository (URL or local path); nil: the ticket's.
    public var repository: String?
    /// A branch, tag or commit; nil: the ticket's, else the default branch head.
    public var commit: String?
    public var model: ModelSpec
    public var limits = Limits()
    /// The test and setup commands and extra read-only paths, over the repository's `.fixloop.toml` and detection.
    public var overrides = RepositorySettings.Overrides()
    /// What the person who asked for the run added (`/fixloop fix <text>`); the engineer reads it with the ticket.
    public var requestText: String?
    /// The GitHub login of the person who asked for the run (the PR bot's trigger): asked to review the pull request
    /// and named as the commit's co-author.
    public var requester: String?
    /// Go on when triage says the ticket is not a bug.
    public var force = false
    /// The edit format: tool calls, or SEARCH/REPLACE blocks only.
    public var usesTools = true
    public var delivery: DeliveryMode = .pullRequest(repository: nil, commentOnTicket: true)
    public var credentials = Credentials()
    /// Every model request and reply also goes to this file (JSON lines, secrets redacted).
    public var record: URL?

    public init(ticket: TicketInput, model: ModelSpec) {
        self.ticket = ticket
        self.model = model
    }
}
