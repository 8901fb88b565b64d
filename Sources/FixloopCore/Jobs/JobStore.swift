import Foundation

/// The durable job queue: SQLite today (`SQLiteJobStore`), PostgreSQL with `FOR UPDATE SKIP LOCKED` later.
///
/// Every transition names the worker that holds the lease, so a worker that lost its job (lease expired and
/// taken by another, or cancelled) cannot overwrite what happened since.
public protocol JobStore: Sendable {
    /// Queues a job, unless the ticket already has a queued or running one, or its last job is done with a pull
    /// request and `request.rerunsFinished` is false.
    func enqueue(_ request: JobRequest, now: Date) async throws -> EnqueueResult

    /// Takes the oldest queued job that is due (no `notBefore`, or one at or before `now`) and whose repository runs
    /// fewer than `perRepositoryLimit` jobs, leasing it to
    /// `worker` until `now + lease`. Running jobs whose lease expired go back to the queue first (or fail, when
    /// they used up their attempts).
    func claim(worker: String, now: Date, lease: Duration, perRepositoryLimit: Int) async throws -> Job?

    /// Extends the lease. - Returns: false when the worker no longer holds the job (cancelled, or taken over).
    func renew(_ id: Int64, worker: String, now: Date, lease: Duration) async throws -> Bool

    /// Records how a running job ended (`done` or `failed`); ignored when the worker no longer holds it.
    func finish(_ id: Int64, worker: String, state: JobState, summary: String, prURL: String?, costUSD: Double, now: Date) async throws

    /// Puts a running job back in the queue without counting the attempt (graceful shutdown).
    func release(_ id: Int64, worker: String, now: Date) async throws

    /// Puts a running job back in the queue, without counting the attempt, to be claimed no earlier than `notBefore`
    /// (a CI round whose checks still run); ignored when the worker no longer holds it. ``claim(worker:now:lease:perRepositoryLimit:)``
    /// skips queued jobs whose `notBefore` is later than its `now`.
    func requeue(_ id: Int64, worker: String, notBefore: Date, summary: String, now: Date) async throws

    /// Cancels a queued or running job. - Returns: the job as it is now, nil when there is no such job.
    func cancel(_ id: Int64, now: Date) async throws -> Job?

    /// The active job of a ticket, if any.
    func activeJob(ticket: String) async throws -> Job?

    /// Records the progress stage of a job.
    func setStage(_ id: Int64, _ stage: String, now: Date) async throws

    /// Remembers the ticket's progress comment on the job (new jobs of the ticket inherit it).
    func setProgressComment(_ id: Int64, commentID: Int) async throws

    func job(_ id: Int64) async throws -> Job?

    /// Jobs, newest first, optionally of one state.
    func jobs(state: JobState?, limit: Int) async throws -> [Job]

    /// How many jobs are in each state.
    func counts() async throws -> [JobState: Int]

    /// Records a webhook delivery id. - Returns: false when it was seen before (a replay).
    func recordDelivery(_ id: String, now: Date) async throws -> Bool

    /// Records what a delivery is (event, action, repository, issue, and the comment or label event), whatever its
    /// unsigned delivery id says. - Returns: false when the same trigger was seen before (a replay under a new id).
    func recordTrigger(_ key: String, delivery: String, now: Date) async throws -> Bool

    /// Forgets the delivery `id` and the trigger keys `triggers` it recorded, when what it asked for could not be
    /// done (the database failed after they were recorded), so the sender's redelivery is taken again rather than
    /// answered as a duplicate.
    func forgetDelivery(_ id: String, triggers: [String]) async throws

    /// Revision rounds asked for (not cancelled): of the pull request `ticket`, else of all; since `since` when given.
    func revisionRounds(ticket: String?, since: Date?) async throws -> Int

    /// In one transaction: records the webhook delivery `delivery` and, when given, the trigger `trigger` (as
    /// ``recordDelivery(_:now:)`` and ``recordTrigger(_:delivery:now:)`` do), then queues `request` as
    /// ``enqueue(_:now:)`` does. A delivery seen before queues nothing and records nothing; a trigger seen before
    /// queues nothing. When it fails (the database is gone mid-way, the process dies), none of it is kept, so the
    /// sender's redelivery, under the same id, is queued then: a delivery is never recorded without its job.
    func enqueue(_ request: JobRequest, delivery: String, trigger: String?, now: Date) async throws -> DeliveryEnqueueResult
}

/// The answer to ``JobStore/enqueue(_:delivery:trigger:now:)``.
public enum DeliveryEnqueueResult: Sendable, Equatable {
    /// The delivery id was recorded before (a replay): nothing was done.
    case duplicateDelivery
    /// The trigger was recorded before under another delivery id: the delivery is recorded, nothing queued.
    case duplicateTrigger
    /// The delivery (and trigger) are recorded, and the enqueue answered this.
    case recorded(EnqueueResult)
}
