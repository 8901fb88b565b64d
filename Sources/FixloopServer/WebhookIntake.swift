import FixloopCore
import Foundation
import Logging

/// The answer to one webhook delivery.
public struct WebhookReply: Sendable, Equatable {
    public var status: Int
    /// What happened: `queued`, `ignored`, `duplicate`, `unauthorized`, `malformed`, …; counted in the metrics.
    public var result: String
    public var message: String
}

/// The webhook receiver's shell around ``TriggerDecision``: signature, JSON, replay check, then the decision's
/// action. Only store writes happen before the reply; GitHub calls (permission checks, progress comments) run
/// in ``FollowUps`` after it.
public struct WebhookIntake: Sendable {
    let secret: Secret
    let triggers: TriggerSettings
    let store: any JobStore
    let github: GitHubConnection?
    let progress: ProgressComments?
    let followUps: FollowUps
    let logger: Logger
    let now: @Sendable () -> Date
    /// Linear webhooks: the signing secret and the repository its tickets are fixed in (off when nil).
    public var linear: (secret: Secret, repository: String?)?
    /// Where a merged pull request (`pull_request` closed and merged) is recorded for the healing loop; off when nil.
    public var merges: (any MergeRecorder)?
    /// The rounds of `fixloop revise`, counted toward `[serve] max_rounds` and `max_rounds_per_day`; none when nil.
    public var manualRounds: (any ManualRoundCounter)?

    public init(
        secret: Secret, triggers: TriggerSettings, store: any JobStore, github: GitHubConnection?, progress: ProgressComments?,
        followUps: FollowUps = FollowUps(), logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.secret = secret
        self.triggers = triggers
        self.store = store
        self.github = github
        self.progress = progress
        self.followUps = followUps
        self.logger = logger
        self.now = now
    }

    /// The reply when the queue cannot be written (the database is unreachable): 503, so the sender counts the
    /// delivery as failed and it can be delivered again (GitHub lists it under the hook's recent deliveries).
    static let storeDown = WebhookReply(status: 503, result: "unavailable", message: "the queue could not be written; deliver again later")

    /// Handles one delivery of `event` with the raw `body`.
    public func receive(event: String?, delivery: String?, signature: String?, body: Data) async -> WebhookReply {
        guard WebhookSignature.isValid(signature, body: body, secret: secret) else {
            return WebhookReply(status: 401, result: "unauthorized", message: "missing or bad X-Hub-Signature-256")
        }
        guard let event, let delivery, !delivery.isEmpty else {
            return WebhookReply(status: 400, result: "malformed", message: "X-GitHub-Event and X-GitHub-Delivery are required")
        }
        let payload: GitHubWebhookPayload
        do {
            payload = try GitHubWebhookPayload.decode(body)
        } catch {
            return WebhookReply(status: 400, result: "malformed", message: "the body is not a JSON object")
        }
        // What this call recorded before the work it asks for was done: forgotten if that work fails (``forget``).
        var recorded: (delivery: String, triggers: [String])?
        do {
            if let request = directFix(event: event, payload: payload, body: body) {
                // The delivery, its trigger and the job in one transaction: a crash or an outage in between keeps none.
                switch try await store.enqueue(request, delivery: delivery, trigger: TriggerDecision.triggerKey(event: event, payload: payload), now: now()) {
                case .duplicateDelivery: return WebhookReply(status: 202, result: "duplicate", message: "delivery \(delivery) was already received")
                case .duplicateTrigger:
                    return WebhookReply(status: 202, result: "duplicate", message: "this \(event).\(payload.action ?? "-") was already received under another delivery id")
                case .recorded(let result): return await reply(to: result, of: request)
                }
            }
            guard try await store.recordDelivery(delivery, now: now()) else {
                return WebhookReply(status: 202, result: "duplicate", message: "delivery \(delivery) was already received")
            }
            recorded = (delivery, [])
            if let merges, let merge = TriggerDecision.merge(event: event, body: body) {
                try await merges.recordMerge(merge)
                return WebhookReply(status: 202, result: "merged", message: "recorded the merge of \(merge.pullRequest)")
            }
            switch TriggerDecision.baseMoved(event: event, body: body) {
            case .ignore(let reason)?:
                return WebhookReply(status: 202, result: "ignored", message: reason)
            case .moved(let move)?:
                return await baseMoved(move)
            case nil:
                break
            }
            switch TriggerDecision.ciRound(event: event, body: body, settings: triggers) {
            case .ignore(let reason)?:
                return WebhookReply(status: 202, result: "ignored", message: reason)
            case .round(let request, let key)?:
                guard try await store.recordTrigger(key, delivery: delivery, now: now()) else {
                    return WebhookReply(status: 202, result: "duplicate", message: "a CI round was already asked for this head commit")
                }
                recorded?.triggers.append(key)
                return try await executeRevision(request)
            case nil:
                break
            }
            let action = TriggerDecision.decide(event: event, payload: payload, settings: triggers)
            if case .command = action, let key = TriggerDecision.triggerKey(event: event, payload: payload) {
                guard try await store.recordTrigger(key, delivery: delivery, now: now()) else {
                    return WebhookReply(status: 202, result: "duplicate", message: "this \(event).\(payload.action ?? "-") was already received under another delivery id")
                }
                recorded?.triggers.append(key)
            }
            switch action {
            case .ignore(let reason):
                return WebhookReply(status: 202, result: "ignored", message: reason)
            case .command(let command, permission: .granted):
                return try await execute(command)
            case .command(let command, permission: .ask(let owner, let name, let user)):
                let installation = payload.installation?.id
                await followUps.start { await checkThenExecute(command, owner: owner, name: name, user: user, installation: installation) }
                return WebhookReply(status: 202, result: "checking", message: "checking that \(user) can write to \(owner)/\(name)")
            }
        } catch {
            logger.error("webhook failed", metadata: ["delivery": "\(delivery)", "error": "\(error)"])
            await forget(recorded)
            return Self.storeDown
        }
    }

    /// Handles one Linear delivery: signature, JSON, freshness, replay check, then ``LinearWebhook/decide``.
    public func receiveLinear(delivery: String?, signature: String?, body: Data) async -> WebhookReply {
        guard let linear else { return WebhookReply(status: 404, result: "not_configured", message: "Linear webhooks are not configured (LINEAR_WEBHOOK_SECRET)") }
        guard LinearWebhook.isValid(signature, body: body, secret: linear.secret) else {
            return WebhookReply(status: 401, result: "unauthorized", message: "missing or bad Linear-Signature")
        }
        let decoder = JSONDecoder()
        guard let payload = try? decoder.decode(LinearWebhook.Payload.self, from: body) else {
            return WebhookReply(status: 400, result: "malformed", message: "the body is not a JSON object")
        }
        guard LinearWebhook.isFresh(payload, now: now()) else {
            return WebhookReply(status: 401, result: "stale", message: "webhookTimestamp is more than 60 s from now")
        }
        var recorded: (delivery: String, triggers: [String])?
        do {
            if let delivery, !delivery.isEmpty, case .command(.fix(let request), _) = LinearWebhook.decide(payload, settings: triggers, repository: linear.repository) {
                // The delivery, its trigger and the job in one transaction (``receive(event:delivery:signature:body:)``).
                switch try await store.enqueue(request, delivery: "linear:\(delivery)", trigger: LinearWebhook.triggerKey(payload), now: now()) {
                case .duplicateDelivery: return WebhookReply(status: 202, result: "duplicate", message: "delivery \(delivery) was already received")
                case .duplicateTrigger:
                    return WebhookReply(status: 202, result: "duplicate", message: "this Linear \(payload.action ?? "-") was already received under another delivery id")
                case .recorded(let result): return await reply(to: result, of: request)
                }
            }
            if let delivery, !delivery.isEmpty {
                guard try await store.recordDelivery("linear:\(delivery)", now: now()) else {
                    return WebhookReply(status: 202, result: "duplicate", message: "delivery \(delivery) was already received")
                }
                recorded = ("linear:\(delivery)", [])
            }
            let action = LinearWebhook.decide(payload, settings: triggers, repository: linear.repository)
            if case .command = action, let key = LinearWebhook.triggerKey(payload) {
                guard try await store.recordTrigger(key, delivery: "linear:\(delivery ?? "-")", now: now()) else {
                    return WebhookReply(status: 202, result: "duplicate", message: "this Linear \(payload.action ?? "-") was already received under another delivery id")
                }
                recorded?.triggers.append(key)
            }
            switch action {
            case .ignore(let reason): return WebhookReply(status: 202, result: "ignored", message: reason)
            case .command(let command, _): return try await execute(command)
            }
        } catch {
            logger.error("Linear webhook failed", metadata: ["error": "\(error)"])
            await forget(recorded)
            return Self.storeDown
        }
    }

    /// A delivery whose work failed after its id (and triggers) were recorded — a merge, a round, a command that
    /// could not be queued — is forgotten, so its redelivery is taken again, not answered as a duplicate. When the
    /// database is gone altogether the forgetting fails too; that is logged, and the delivery stays recorded.
    func forget(_ recorded: (delivery: String, triggers: [String])?) async {
        guard let recorded else { return }
        do {
            try await store.forgetDelivery(recorded.delivery, triggers: recorded.triggers)
        } catch {
            logger.warning("a failed delivery could not be forgotten; redeliveries of it are answered as duplicates",
                           metadata: ["delivery": "\(recorded.delivery)", "error": "\(error)"])
        }
    }

    func execute(_ command: TicketCommand) async throws -> WebhookReply {
        switch command {
        case .fix(let request):
            return await reply(to: try await store.enqueue(request, now: now()), of: request)
        case .revise(let request):
            return try await executeRevision(request)
        case .stop(let ticket, let user):
            guard let active = try await store.activeJob(ticket: ticket), let job = try await store.cancel(active.id, now: now()) else {
                return WebhookReply(status: 202, result: "ignored", message: "no active job for \(ticket)")
            }
            if let progress {
                let outcome = JobOutcome(state: .cancelled, summary: "stopped by \(user).", costUSD: job.costUSD)
                await followUps.start { await progress.show(job, ProgressText.finished(job, outcome: outcome)) }
            }
            return WebhookReply(status: 202, result: "cancelled", message: "job \(job.id) cancelled")
        }
    }

    /// The fix a delivery asks for with nothing else to do first (no merge, base move or CI round to record, no
    /// permission to check): queued with its delivery and trigger in one transaction.
    func directFix(event: String, payload: GitHubWebhookPayload, body: Data) -> JobRequest? {
        if merges != nil, TriggerDecision.merge(event: event, body: body) != nil { return nil }
        guard TriggerDecision.baseMoved(event: event, body: body) == nil, TriggerDecision.ciRound(event: event, body: body, settings: triggers) == nil,
              case .command(.fix(let request), permission: .granted) = TriggerDecision.decide(event: event, payload: payload, settings: triggers)
        else { return nil }
        return request
    }

    /// The reply to a fix's enqueue, with its progress comment started after it.
    func reply(to result: EnqueueResult, of request: JobRequest) async -> WebhookReply {
        switch result {
        case .enqueued(let job):
            if let progress {
                let asked = now()
                await followUps.start {
                    await progress.acknowledge(job, commentID: request.triggerCommentID)
                    await progress.show(job, ProgressText.running(job, log: ProgressLog(queued: job.createdAt), now: asked))
                }
            }
            return WebhookReply(status: 202, result: "queued", message: "job \(job.id) queued for \(job.ticket)")
        case .alreadyActive(let job):
            if let progress { await followUps.start { await progress.acknowledge(job, commentID: request.triggerCommentID) } }
            return WebhookReply(status: 202, result: "already_active", message: "job \(job.id) already holds \(job.ticket)")
        case .finished(let job):
            if let progress {
                await followUps.start {
                    await progress.acknowledge(job, commentID: request.triggerCommentID)
                    await progress.show(job, ProgressText.alreadyDone(job, asked: request.trigger))
                }
            }
            return WebhookReply(status: 202, result: "already_done", message: "job \(job.id) already fixed \(job.ticket); /fixloop retry runs it again")
        }
    }

    private func checkThenExecute(_ command: TicketCommand, owner: String, name: String, user: String, installation: Int?) async {
        do {
            guard let github else { return }
            let permission = try await github.client(installation: installation).permission(owner, name, user: user)
            guard TriggerDecision.canWrite(permission) else {
                logger.info("command ignored: no write access", metadata: ["user": "\(user)", "repository": "\(owner)/\(name)"])
                return
            }
            _ = try await execute(command)
        } catch {
            logger.warning("permission check failed", metadata: ["user": "\(user)", "error": "\(error)"])
        }
    }
}

/// Work a webhook starts after its reply (GitHub calls); tracked so tests and shutdown can wait for it.
public actor FollowUps {
    private var running: [UUID: Task<Void, Never>] = [:]

    public init() {}

    /// Starts `work` in the background.
    public func start(_ work: @escaping @Sendable () async -> Void) {
        let id = UUID()
        running[id] = Task {
            await work()
            self.done(id)
        }
    }

    private func done(_ id: UUID) { running[id] = nil }

    /// Waits until every follow-up started so far (and those they start) has finished.
    public func drain() async {
        while let task = running.values.first { await task.value }
    }
}
