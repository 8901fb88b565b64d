import FixloopCore
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The worker pool under swift-service-lifecycle: a graceful shutdown takes no new job and lets the running one
/// finish; cancellation releases it to the queue without using an attempt.
@Suite(.serialized)
struct GracefulShutdownTests {
    /// Holds each job until the test opens the gate; says when a job started.
    final class GatedRunner: JobRunner, Sendable {
        let started: AsyncStream<Int64>
        let startedContinuation: AsyncStream<Int64>.Continuation
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)

        init() { (started, startedContinuation) = AsyncStream<Int64>.makeStream() }

        func run(_ job: Job, progress: @escaping @Sendable (ProgressEvent) async -> Void) async throws -> JobOutcome {
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    gate.withLock { $0 = continuation }
                    startedContinuation.yield(job.id)
                }
            } onCancel: {
                self.open()
            }
            try Task.checkCancellation()
            return JobOutcome(state: .done, summary: "fixed", prURL: "https://example/pull/\(job.id)")
        }

        func open() { gate.withLock { $0?.resume(); $0 = nil } }
    }

    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func scene(_ body: (SQLiteJobStore, GatedRunner, WorkerPool, [Int64]) async throws -> Void) async throws {
        try await withTemporaryDirectory("fixloop-shutdown") { root in
            let store = SQLiteJobStore(database: try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite")))
            var ids: [Int64] = []
            for repository in ["acme/shop", "acme/api"] {
                ids.append(try await store.enqueue(JobRequest(ticket: "gh:\(repository)#1", repository: repository, trigger: "t"), now: Date()).job.id)
            }
            let runner = GatedRunner()
            let pool = WorkerPool(store: store, runner: runner, progress: nil, metrics: ServerMetrics(),
                                  settings: WorkerSettings(workers: 1, lease: .seconds(60), poll: .milliseconds(10)), name: "test", logger: Self.logger)
            try await body(store, runner, pool, ids)
        }
    }

    @Test func aGracefulShutdownLetsTheRunningJobFinishAndTakesNoOther() async throws {
        try await scene { store, runner, pool, ids in
            let group = ServiceGroup(services: [pool], logger: Self.logger)
            let running = Task { try await group.run() }
            var iterator = runner.started.makeAsyncIterator()
            let first = await iterator.next()
            #expect(first == ids[0])
            await group.triggerGracefulShutdown()
            runner.open()
            try await running.value
            let jobs = try await store.jobs(state: nil, limit: 5)
            #expect(jobs.first { $0.id == ids[0] }?.state == .done)
            #expect(jobs.first { $0.id == ids[1] }?.state == .queued, "no job is taken once shutdown began")
        }
    }

    @Test func cancellationReleasesTheRunningJobWithoutUsingAnAttempt() async throws {
        try await scene { store, runner, pool, ids in
            let running = Task { try await pool.run() }
            var iterator = runner.started.makeAsyncIterator()
            _ = await iterator.next()
            running.cancel()
            _ = await running.result
            let job = try #require(try await store.job(ids[0]))
            #expect(job.state == .queued && job.attempts == 0 && job.leaseOwner == nil)
        }
    }
}
