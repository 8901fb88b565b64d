import FixloopCore
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation
import Logging
import Synchronization
import Testing

/// The workers over the queue with a clock the test moves: a dead worker's job resumed after its lease, a runner's error.
@Suite(.serialized)
struct WorkerPoolTests {
    final class TestClock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    /// Records the jobs it ran; `fix` decides each outcome.
    final class CountingRunner: JobRunner, Sendable {
        let runs = Mutex<[Int64]>([])
        let outcome: @Sendable (Job) async throws -> JobOutcome

        init(outcome: @escaping @Sendable (Job) async throws -> JobOutcome = { _ in JobOutcome(state: .done, summary: "fixed", prURL: "https://example/pull/1", costUSD: 0.5) }) {
            self.outcome = outcome
        }

        func run(_ job: Job, progress: @escaping @Sendable (ProgressEvent) async -> Void) async throws -> JobOutcome {
            runs.withLock { $0.append(job.id) }
            await progress(.stage(.fixing))
            return try await outcome(job)
        }
    }

    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func withStore(_ body: (SQLiteJobStore) async throws -> Void) async throws {
        try await withTemporaryDirectory("fixloop-jobs") { root in
            try await body(SQLiteJobStore(database: try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite"))))
        }
    }

    func pool(_ store: SQLiteJobStore, _ runner: some JobRunner, clock: TestClock, limit: Int = 1) -> WorkerPool {
        WorkerPool(store: store, runner: runner, progress: nil, metrics: ServerMetrics(),
                   settings: WorkerSettings(workers: 1, perRepositoryLimit: limit, lease: .seconds(60)), name: "test", logger: Self.logger,
                   now: { clock.now }, sleep: { _ in try await Task.sleep(for: .milliseconds(1)) })
    }

    @Test func aJobWhoseWorkerDiedIsResumedOnceAfterItsLeaseExpires() async throws {
        try await withStore { store in
            let clock = TestClock()
            let queued = try await store.enqueue(JobRequest(ticket: "gh:acme/shop#1", repository: "acme/shop", trigger: "t", maxAttempts: 2), now: clock.now).job
            // A worker takes the job and dies: it never renews nor finishes.
            let taken = try await store.claim(worker: "dead-w0", now: clock.now, lease: .seconds(60), perRepositoryLimit: 1)
            #expect(taken?.id == queued.id && taken?.attempts == 1)
            let runner = CountingRunner()
            let workers = pool(store, runner, clock: clock)
            let early = try await workers.runNext(worker: "live-w0")
            #expect(!early, "the lease still holds")
            clock.advance(61)
            let resumed = try await workers.runNext(worker: "live-w0")
            #expect(resumed)
            let job = try #require(try await store.job(queued.id))
            #expect(job.state == .done && job.attempts == 2 && job.prURL == "https://example/pull/1" && job.costUSD == 0.5)
            #expect(runner.runs.withLock { $0 } == [queued.id])
            let more = try await workers.runNext(worker: "live-w0")
            #expect(!more, "done jobs are not run again")
            // The dead worker's late report changes nothing.
            try await store.finish(queued.id, worker: "dead-w0", state: .failed, summary: "late", prURL: nil, costUSD: 0, now: clock.now)
            let after = try await store.job(queued.id)
            #expect(after?.state == .done)
        }
    }

    // The queue's own behaviour (attempts, the repository limit, release, cancel) is tested on both backends in
    // FixloopStoreConformanceTests.

    @Test func aRunnerErrorFailsTheJobWithItsMessage() async throws {
        try await withStore { store in
            let clock = TestClock()
            struct Boom: Error, CustomStringConvertible { var description: String { "the repository could not be cloned" } }
            let runner = CountingRunner(outcome: { _ in throw Boom() })
            let id = try await store.enqueue(JobRequest(ticket: "gh:acme/shop#1", repository: "acme/shop", trigger: "t"), now: clock.now).job.id
            _ = try await pool(store, runner, clock: clock).runNext(worker: "w")
            let job = try #require(try await store.job(id))
            #expect(job.state == .failed && job.summary == "the repository could not be cloned" && job.stage == "fixing")
        }
    }
}
