import Foundation

/// What a run was: a fix of a ticket, or a revision round on the pull request of one.
public enum RunKind: String, Sendable, Equatable, Codable {
    case fix
    case revision
}

/// One `fixloop fix` run (or revision round) as the store keeps it.
public struct RunRecord: Sendable, Equatable, Codable {
    public var id: String
    /// A fix, or a revision round (then ``pullRequest`` names the pull request, `gh:OWNER/NAME#N`).
    public var kind: RunKind = .fix
    public var pullRequest: String?
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
