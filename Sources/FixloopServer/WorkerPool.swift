import FixloopCore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Settings of the worker pool.
public struct WorkerSettings: Sendable {
    /// Jobs run at once.
    public var workers: Int
    /// Running jobs per repository at once.
    public var perRepositoryLimit: Int
    /// How long a claim lasts without renewal; renewed every third of it, so a dead worker's job returns to the
    /// queue after at most this long.
    public var lease: Duration
    /// How often an idle worker looks for a job.
    public var poll: Duration

    public init(workers: Int = 2, perRepositoryLimit: Int = 1, lease: Duration = .seconds(120), poll: Duration = .seconds(1)) {
        self.workers = workers
        self.perRepositoryLimit = perRepositoryLimit
        self.lease = lease
        self.poll = poll
    }
}

/// Workers that take jobs from the queue and run them, as a swift-service-lifecycle service. On graceful shutdown
/// no new job is taken and running ones finish; when the shutdown turns into cancellation they are released back
/// to the queue.
public final class WorkerPool: Service, Sendable {
    let store: any JobStore
    let runner: any JobRunner
    let progress: ProgressComments?
    let metrics: ServerMetrics
    let settings: WorkerSettings
    /// Names the leases: `host-pid`, so a restarted process never renews a dead one's lease.
    let name: String
    let now: @Sendable () -> Date
    let sleep: @Sendable (Duration) async throws -> Void
    let logger: Logger
    private let stopping = Atomic<Bool>(false)

    public init(
        store: any JobStore, runner: any JobRunner, progress: ProgressComments?, metrics: ServerMetrics, settings: WorkerSettings,
        name: String, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.store = store
        self.runner = runner
        self.progress = progress
        self.metrics = metrics
        self.settings = settings
        self.name = name
        self.logger = logger
        self.now = now
        self.sleep = sleep
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<settings.workers {
                    group.addTask { await self.loop(worker: "\(self.name)-w\(index)") }
                }
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
        }
    }

    /// Stops taking jobs (what a graceful shutdown does).
    public func stop() { stopping.store(true, ordering: .relaxed) }

    /// Takes jobs until stopped. A queue that cannot be read (the database is down) is no reason to exit: the
    /// worker logs it once, waits (the poll, doubling up to 30 s) and tries again, and logs when it is back.
    func loop(worker: String) async {
        var failures = 0
        while !stopping.load(ordering: .relaxed), !Task.isCancelled {
            do {
                let ran = try await runNext(worker: worker)
                if failures > 0 { logger.info("the queue is reachable again", metadata: ["worker": "\(worker)", "failures": "\(failures)"]) }
                failures = 0
                if ran { continue }
                try? await sleep(settings.poll)
            } catch {
                if failures == 0 { logger.error("the queue cannot be read; waiting for it", metadata: ["worker": "\(worker)", "error": "\(error)"]) }
                failures += 1
                try? await sleep(Self.backoff(after: failures, poll: settings.poll))
            }
        }
    }

    /// Attempts at recording a job's end before it is left to its lease (another worker then runs it again).
    static let finishAttempts = 6

    /// The wait after `failures` failed claims in a row: the poll, doubled each time, at most 30 s.
    public static func backoff(after failures: Int, poll: Duration) -> Duration {
        min(poll * (1 << min(failures - 1, 10)), max(poll, .seconds(30)))
    }

    /// Claims and runs one job. - Returns: whether there was one.
    @discardableResult
    public func runNext(worker: String) async throws -> Bool {
        guard let job = try await store.claim(worker: worker, now: now(), lease: settings.lease, perRepositoryLimit: settings.perRepositoryLimit) else {
            return false
        }
        await execute(job, worker: worker)
        return true
    }

    private enum Ending: Sendable { case finished(JobOutcome), failed(String), lostLease, cancelled }

    func execute(_ job: Job, worker: String) async {
        let started = now()
        logger.info("job started", metadata: ["job": "\(job.id)", "ticket": "\(job.ticket)", "attempt": "\(job.attempts)"])
        let log = Mutex(ProgressLog(queued: job.createdAt))
        // A revision round's one reply on the pull request is its report: no progress comment there.
        let progress = job.kind == .fix ? self.progress : nil
        let report: @Sendable (ProgressEvent) async -> Void = { [store, progress, now] event in
            let time = now()
            let (changed, stageChanged, shown) = log.withLock { log -> (Bool, Bool, ProgressLog) in
                let stage = log.current
                let changed = log.record(event, at: time)
                return (changed, log.current != stage, log)
            }
            guard changed else { return }
            if stageChanged { try? await store.setStage(job.id, shown.current.rawValue, now: time) }
            await progress?.show(job, ProgressText.running(job, log: shown, now: time))
        }
        await report(.stage(.reproducing))
        let ending = await withTaskGroup(of: Ending?.self) { group in
            group.addTask { [runner] in
                do {
                    return .finished(try await runner.run(job, progress: report))
                } catch is CancellationError {
                    return .cancelled
                } catch {
                    return Task.isCancelled ? .cancelled : .failed("\(error)")
                }
            }
            group.addTask { await self.keepLease(job, worker: worker) ? nil : .lostLease }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .cancelled
        }
        // Recording the end must not be cut short by the cancellation that may have caused it (GRDB's async
        // writes throw in a cancelled task), so it runs in a task of its own.
        let seconds = now().timeIntervalSince(started)
        let shown = log.withLock { $0 }
        await Task { await self.end(job, worker: worker, ending, seconds: seconds, log: shown) }.value
    }

    /// Renews the lease until cancelled. - Returns: false when the job was lost (cancelled or taken over).
    private func keepLease(_ job: Job, worker: String) async -> Bool {
        while !Task.isCancelled {
            do { try await sleep(settings.lease / 3) } catch { return true }
            if Task.isCancelled { return true }
            if (try? await store.renew(job.id, worker: worker, now: now(), lease: settings.lease)) == false { return false }
        }
        return true
    }

    private func end(_ job: Job, worker: String, _ ending: Ending, seconds: Double, log: ProgressLog) async {
        let progress = job.kind == .fix ? self.progress : nil
        var outcome: JobOutcome
        switch ending {
        case .finished(let result) where result.state == .queued && result.notBefore != nil:
            // Not a failure and not an attempt: the job waits in the queue, holding no worker.
            try? await store.requeue(job.id, worker: worker, notBefore: result.notBefore!, summary: result.summary, now: now())
            logger.info("job requeued", metadata: ["job": "\(job.id)", "until": "\(result.notBefore!)"])
            return
        case .finished(let result):
            outcome = result
        case .failed(let message):
            outcome = JobOutcome(state: .failed, summary: message)
        case .lostLease:
            let current = try? await store.job(job.id)
            logger.info("job lost its lease", metadata: ["job": "\(job.id)", "state": "\(current?.state.rawValue ?? "?")"])
            if current?.state == .cancelled {
                metrics.job("cancelled", seconds: seconds)
                await progress?.show(job, ProgressText.finished(job, outcome: JobOutcome(state: .cancelled, summary: "the job was cancelled."),
                                                                log: log, now: now()))
            }
            return
        case .cancelled:
            try? await store.release(job.id, worker: worker, now: now())
            logger.info("job released", metadata: ["job": "\(job.id)"])
            return
        }
        if outcome.state != .done && outcome.state != .cancelled { outcome.state = .failed }
        // A database that is down at the end must not lose the outcome: try again while the lease would still hold.
        for attempt in 1...Self.finishAttempts {
            do {
                try await store.finish(job.id, worker: worker, state: outcome.state, summary: outcome.summary, prURL: outcome.prURL,
                                       costUSD: outcome.costUSD, now: now())
                break
            } catch {
                logger.error("the job's end cannot be recorded", metadata: ["job": "\(job.id)", "attempt": "\(attempt)", "error": "\(error)"])
                try? await sleep(Self.backoff(after: attempt, poll: settings.lease / 12))
            }
        }
        metrics.job(outcome.state.rawValue, seconds: seconds)
        logger.info("job ended", metadata: ["job": "\(job.id)", "state": "\(outcome.state.rawValue)"])
        await progress?.show(job, ProgressText.finished(job, outcome: outcome, log: log, now: now()))
    }
}
