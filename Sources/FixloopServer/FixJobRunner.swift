import FixloopCore
import FixloopFixService
import FixloopGitHub
import Foundation

/// The PR bot's work: a queued job becomes a ``FixRequest`` to the process's one ``FixService``, with the job's
/// installation token as its GitHub credential and the engineer's steps reported as progress stages.
public struct FixJobRunner: JobRunner {
    public let service: FixService
    public let tokens: any GitHubTokenProvider
    /// What every job starts from: the model, the budget, the Linear key.
    public let template: FixRequest
    /// `OWNER/NAME` → where to clone it from, instead of `https://github.com/OWNER/NAME`.
    public let cloneFrom: [String: String]
    /// `[serve] max_behind`: how far behind its base a pull request may be before a rebase round pushes.
    public var maxBehind = 20
    /// How long a CI round whose checks still run waits in the queue before it looks again.
    public var ciPoll: Duration = .seconds(30)
    /// How long after it was asked for a CI round keeps looking at running checks before it gives up.
    public var ciWait: Duration = .seconds(30 * 60)

    public init(service: FixService, tokens: any GitHubTokenProvider, template: FixRequest, cloneFrom: [String: String]) {
        self.service = service
        self.tokens = tokens
        self.template = template
        self.cloneFrom = cloneFrom
    }

    public func run(_ job: Job, progress: @escaping @Sendable (ProgressEvent) async -> Void) async throws -> JobOutcome {
        let token = try await tokens.token(installation: job.installationID)
        if job.kind == .rebase { return try await rebase(job, token: token) }
        if job.kind.isRound { return try await revise(job, token: token) }
        let request = try Self.request(for: job, template: template, token: token, cloneFrom: cloneFrom)
        let (events, continuation) = AsyncStream<ProgressEvent>.makeStream()
        let relay = Task { for await event in events { await progress(event) } }
        defer { continuation.finish() }
        let observer = FixObserver(
            started: { continuation.yield(.run($0)) },
            event: { step, _, _ in
                if let stage = ProgressStage.of(step) { continuation.yield(.stage(stage)) }
            },
            milestone: { continuation.yield(.milestone($0)) })
        let outcome = try await withTaskCancellationHandler {
            try await service.run(request, observer: observer)
        } onCancel: {
            continuation.finish()
        }
        continuation.finish()
        await relay.value
        return Self.outcome(outcome)
    }

    /// The job's request: its ticket, its repository (or the clone source), its token; the bot's progress comment
    /// stands in for a comment on the ticket.
    static func request(for job: Job, template: FixRequest, token: Secret?, cloneFrom: [String: String]) throws -> FixRequest {
        var request = template
        request.ticket = .reference(try TicketReference(parsing: job.ticket))
        request.credentials.github = token ?? template.credentials.github
        request.repository = cloneFrom[job.repository]
        request.delivery = .pullRequest(repository: nil, commentOnTicket: false)
        request.requestText = job.requestText
        request.requester = job.requester
        if job.ticket.hasPrefix("linear:") {
            // A Linear ticket names no repository: the job's, from [serve] linear_repository, gets the pull request.
            request.repository = request.repository ?? "https://github.com/\(job.repository).git"
            request.delivery = .pullRequest(repository: job.repository, commentOnTicket: false)
        }
        return request
    }

    static func outcome(_ report: FixOutcome) -> JobOutcome {
        let engineer = report.engineer
        let tried = "\(engineer.candidates.count) candidate(s), \(engineer.turns) model turns, \(engineer.tokens) tokens"
            + (engineer.reproduction.isEmpty ? "; no failing test reproduced the bug" : "; reproduced by \(engineer.reproduction.joined(separator: ", "))")
            + engineer.candidates.filter { !$0.fixed }.prefix(3).map { "; candidate \($0.index): \($0.reason)" }.joined()
        var outcome: JobOutcome
        switch engineer.outcome {
        case .fixed where report.prURL != nil:
            outcome = JobOutcome(state: .done, summary: "Root cause: \(engineer.rootCause)", prURL: report.prURL, costUSD: report.costUSD)
        case .notABug:
            outcome = JobOutcome(state: .failed, summary: "triage says this is not a bug (\(engineer.reason)).", costUSD: report.costUSD, tried: "triage only")
        default:
            outcome = JobOutcome(state: .failed, summary: engineer.reason, costUSD: report.costUSD, tried: tried)
        }
        outcome.costPriced = report.costPriced
        return outcome
    }
}
