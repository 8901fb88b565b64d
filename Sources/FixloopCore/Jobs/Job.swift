import Foundation

/// Where a job is in its life: `queued` → `running` → `done` | `failed`; `cancelled` from either of the first two.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued, running, done, failed, cancelled

    /// Whether the job still holds its ticket (at most one such job per ticket).
    public var isActive: Bool { self == .queued || self == .running }
}

/// What a job does: fix a ticket, or run a revision round on one of Fixloop's pull requests.
public enum JobKind: String, Sendable, Equatable, Codable {
    case fix
    /// The job's ``Job/ticket`` is then the pull request, `gh:OWNER/NAME#N`, and ``Job/requestText`` the instructions.
    case revision
    /// A CI round: a revision round whose instructions are the pull request's failing CI, read when it runs.
    case ci
    /// A rebase round: the pull request's branch replayed onto its moved base, re-verified, pushed with a lease.
    case rebase

    /// A revision round of either origin (review or CI): counts toward `[serve] max_rounds`, one per pull request at a time.
    public var isRound: Bool { self != .fix }
}

/// One request to fix one ticket, as the queue keeps it.
public struct Job: Sendable, Equatable, Codable {
    public var id: Int64
    /// `gh:OWNER/NAME#N` or `linear:KEY-N`.
    public var ticket: String
    /// `OWNER/NAME`: the per-repository limit counts running jobs by this.
    public var repository: String
    /// What asked for it: `labelled fixloop by alice`, `/fixloop fix by bob`.
    public var trigger: String
    public var state: JobState
    /// Times a worker has taken it (a worker that died counts).
    public var attempts: Int
    public var maxAttempts: Int
    /// The worker holding it while `running`, and until when.
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?
    /// The last progress stage reported (`reproducing`, `fixing`, …).
    public var stage: String?
    /// How it ended, in one sentence.
    public var summary: String?
    public var prURL: String?
    public var costUSD: Double
    /// The GitHub App installation the webhook came from; nil with a plain token.
    public var installationID: Int?
    /// The ticket's progress comment (one per ticket, edited in place).
    public var progressCommentID: Int?
    /// The text after `/fixloop fix` in the comment that asked for it (``Ticket/requestText``).
    public var requestText: String?
    /// The GitHub login of the person who asked (labelled the issue or commented `/fixloop fix`): named in the
    /// progress comment, asked to review the pull request, its commit's co-author. Nil for Linear and older jobs.
    public var requester: String?
    /// A fix, or a revision round (then ``ticket`` is the pull request).
    public var kind: JobKind = .fix
    /// A queued job is not claimed before this instant (a CI round put back while the checks still run); nil: at once.
    public var notBefore: Date?

    public init(
        id: Int64, ticket: String, repository: String, trigger: String, state: JobState = .queued, attempts: Int = 0,
        maxAttempts: Int = 3, createdAt: Date, installationID: Int? = nil
    ) {
        self.id = id
        self.ticket = ticket
        self.repository = repository
        self.trigger = trigger
        self.state = state
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.createdAt = createdAt
        updatedAt = createdAt
        costUSD = 0
        self.installationID = installationID
    }
}

/// What the queue is asked to hold.
public struct JobRequest: Sendable, Equatable {
    public var ticket: String
    public var repository: String
    public var trigger: String
    public var installationID: Int?
    public var maxAttempts: Int
    /// Whether a finished ticket (its last job done with a pull request) runs again: only `/fixloop retry` does.
    public var rerunsFinished: Bool
    /// The text after `/fixloop fix`, passed to the engineer with the ticket.
    public var requestText: String?
    /// The GitHub login of the person who asked (``Job/requester``).
    public var requester: String?
    /// The comment that asked (`/fixloop fix`), which gets a 👀 reaction; nil when a label asked (the issue gets it).
    /// Not kept with the job.
    public var triggerCommentID: Int?
    /// A fix, or a revision round (then ``ticket`` is the pull request).
    public var kind: JobKind = .fix
    /// A queued job is not claimed before this instant (a CI round put back while the checks still run); nil: at once.
    public var notBefore: Date?
    /// For a round: the most rounds the pull request may have (`[serve] max_rounds`); a round folded into the next
    /// is queued only below it.
    public var maxRounds = 3

    public init(
        ticket: String, repository: String, trigger: String, installationID: Int? = nil, maxAttempts: Int = 3, rerunsFinished: Bool = false,
        requestText: String? = nil
    ) {
        self.requestText = requestText
        self.ticket = ticket
        self.repository = repository
        self.trigger = trigger
        self.installationID = installationID
        self.maxAttempts = maxAttempts
        self.rerunsFinished = rerunsFinished
    }
}

/// The answer to an enqueue: a new job, the one that already holds the ticket, or the done job that fixed it.
public enum EnqueueResult: Sendable, Equatable {
    case enqueued(Job)
    case alreadyActive(Job)
    /// The ticket's last job is done with a pull request and the request was not a retry: nothing was queued.
    case finished(Job)

    public var job: Job {
        switch self {
        case .enqueued(let job), .alreadyActive(let job), .finished(let job): return job
        }
    }
}
