import Foundation

/// What a run was: a fix of a ticket, or a round on the pull request of one (kept as text in `fix_run.kind`, so a
/// new kind needs no migration).
public enum RunKind: String, Sendable, Equatable, Codable, CaseIterable {
    case fix
    /// A review round: `/fixloop …` on the pull request, a review, comments on lines, or `fixloop revise`.
    case revision
    /// A CI round: the failing checks of the branch's head are the instructions.
    case ci
    /// A rebase round: the branch replayed onto its moved base, no model.
    case rebase

    /// Whether the run is a round on a pull request (every kind but ``fix``).
    public var isRound: Bool { self != .fix }
}

/// One `fixloop fix` run (or revision round) as the store keeps it.
public struct RunRecord: Sendable, Equatable, Codable {
    public var id: String
    /// A fix, or a revision round (then ``pullRequest`` names the pull request, `gh:OWNER/NAME#N`).
    public var kind: RunKind = .fix
    public var pullRequest: String?
    /// The PR bot's job that ran it; nil for a run of the command line (`fixloop fix`, `fixloop revise`).
    public var jobID: Int64?
    public var ticket: String
    public var repository: String
    public var status: RunStatus
    public var host: String
    public var pid: Int32
    public var startedAt: Date
    public var finishedAt: Date?
    public var branch: String?
    public var prURL: String?
    public var reason: String?

    public init(id: String, ticket: String, repository: String, host: String, pid: Int32, startedAt: Date = Date()) {
        self.id = id
        self.ticket = ticket
        self.repository = repository
        status = .running
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
    }
}

/// Where fix runs are kept: one live run per ticket, and the branch each ticket was given. Async, so a store on a
/// server (PostgreSQL) fits; a synchronous store (SQLite) satisfies it as it is.
public protocol RunStore: Sendable {
    /// Records a new run, unless another live run holds the same ticket.
    /// - Returns: nil when started; the run holding the ticket otherwise.
    func start(_ record: RunRecord) async throws -> RunRecord?

    /// Records how a run ended.
    func finish(_ id: String, status: RunStatus, branch: String?, prURL: String?, reason: String?) async throws

    /// The ticket's branch: the one given when it was first taken, else `proposed`, kept from now on.
    func branch(ticket: String, repository: String, proposed: String) async throws -> String
}

/// Counts the rounds run outside the PR bot's queue — `fixloop revise` from a terminal —, which count toward
/// `[serve] max_rounds` and `max_rounds_per_day` beside the bot's own round jobs.
public protocol ManualRoundCounter: Sendable {
    /// Rounds (every kind but `fix`) with no job, not ended in `error`: of the pull request `pullRequest`
    /// (`gh:OWNER/NAME#N`) when given, else of all; started at or after `since` when given.
    func manualRounds(pullRequest: String?, since: Date?) async throws -> Int
}

/// Where runs are read back (`fixloop show`, the review): one run, run ids by prefix, a pull request's rounds, a period's or a
/// ticket's runs — from whichever
/// store `fixloop fix` and `serve` recorded them in (the SQLite file, or PostgreSQL with `[store] url`).
public protocol RunHistory: Sendable {
    /// A run by id (`latest` for the newest), with dead `running` runs of this machine shown as `interrupted`.
    func run(_ id: String) async throws -> RunRecord?
    /// The ids of runs that begin with `prefix`, at most `limit` of them, sorted.
    func runIDs(prefix: String, limit: Int) async throws -> [String]
    /// The rounds of one pull request (`gh:OWNER/NAME#N`) — every run that is not a fix —, oldest first.
    func rounds(pullRequest: String) async throws -> [RunRecord]
    /// The runs started in `start..<end`, newest first, with dead `running` runs of this machine shown as
    /// `interrupted` (the week's review).
    func runs(from start: Date, to end: Date) async throws -> [RunRecord]
    /// The runs of one ticket, newest first.
    func runs(ticket: String) async throws -> [RunRecord]
}
