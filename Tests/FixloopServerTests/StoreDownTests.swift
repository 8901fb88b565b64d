import FixloopCore
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation
import Logging
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The shared database unreachable while `serve` runs: a webhook that cannot be recorded answers 503 and nothing
/// of it is kept, so its redelivery is queued; workers wait and take jobs again once the database is back.
@Suite(.serialized)
struct StoreDownTests {
    /// A real SQLite queue behind a switch: while `down`, every call fails as an unreachable database does.
    final class SwitchedJobStore: JobStore {
        let inner: SQLiteJobStore
        let down = Mutex(false)
        let failedCalls = Mutex(0)
        /// While set, only queueing fails (the database goes away after the delivery could have been recorded).
        let enqueueDown = Mutex(false)

        init(_ inner: SQLiteJobStore) { self.inner = inner }

        struct Unreachable: Error {}

        private func check() throws {
            guard down.withLock({ $0 }) else { return }
            failedCalls.withLock { $0 += 1 }
            throw Unreachable()
        }

        func enqueue(_ request: JobRequest, now: Date) async throws -> EnqueueResult {
            try check()
            if enqueueDown.withLock({ $0 }) { throw Unreachable() }
            return try await inner.enqueue(request, now: now)
        }
        func claim(worker: String, now: Date, lease: Duration, perRepositoryLimit: Int) async throws -> Job? {
            try check(); return try await inner.claim(worker: worker, now: now, lease: lease, perRepositoryLimit: perRepositoryLimit)
        }
        func renew(_ id: Int64, worker: String, now: Date, lease: Duration) async throws -> Bool { try check(); return try await inner.renew(id, worker: worker, now: now, lease: lease) }
        func finish(_ id: Int64, worker: String, state: JobState, summary: String, prURL: String?, costUSD: Double, now: Date) async throws {
            try check(); try await inner.finish(id, worker: worker, state: state, summary: summary, prURL: prURL, costUSD: costUSD, now: now)
        }
        func release(_ id: Int64, worker: String, now: Date) async throws { try check(); try await inner.release(id, worker: worker, now: now) }
        func requeue(_ id: Int64, worker: String, notBefore: Date, summary: String, now: Date) async throws {
            try check(); try await inner.requeue(id, worker: worker, notBefore: notBefore, summary: summary, now: now)
        }
        func cancel(_ id: Int64, now: Date) async throws -> Job? { try check(); return try await inner.cancel(id, now: now) }
        func activeJob(ticket: String) async throws -> Job? { try check(); return try await inner.activeJob(ticket: ticket) }
        func setStage(_ id: Int64, _ stage: String, now: Date) async throws { try check(); try await inner.setStage(id, stage, now: now) }
        func setProgressComment(_ id: Int64, commentID: Int) async throws { try check(); try await inner.setProgressComment(id, commentID: commentID) }
        func job(_ id: Int64) async throws -> Job? { try check(); return try await inner.job(id) }
        func jobs(state: JobState?, limit: Int) async throws -> [Job] { try check(); return try await inner.jobs(state: state, limit: limit) }
        func counts() async throws -> [JobState: Int] { try check(); return try await inner.counts() }
        func recordDelivery(_ id: String, now: Date) async throws -> Bool { try check(); return try await inner.recordDelivery(id, now: now) }
        func recordTrigger(_ key: String, delivery: String, now: Date) async throws -> Bool { try check(); return try await inner.recordTrigger(key, delivery: delivery, now: now) }
        func forgetDelivery(_ id: String, triggers: [String]) async throws { try check(); try await inner.forgetDelivery(id, triggers: triggers) }
        func revisionRounds(ticket: String?, since: Date?) async throws -> Int { try check(); return try await inner.revisionRounds(ticket: ticket, since: since) }
        func enqueue(_ request: JobRequest, delivery: String, trigger: String?, now: Date) async throws -> DeliveryEnqueueResult {
            try check()
            if enqueueDown.withLock({ $0 }) { throw Unreachable() }
            return try await inner.enqueue(request, delivery: delivery, trigger: trigger, now: now)
        }
    }

    static let secret = Secret("webhook-secret")
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func withStore(_ body: (SwitchedJobStore) async throws -> Void) async throws {
        try await withTemporaryDirectory("fixloop-store-down") { root in
            try await body(SwitchedJobStore(SQLiteJobStore(database: try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite")))))
        }
    }

    @Test func aWebhookThatCannotBeRecordedAnswers503AndItsRedeliveryIsQueued() async throws {
        try await withStore { store in
            let intake = WebhookIntake(secret: Self.secret, triggers: TriggerSettings(), store: store, github: nil, progress: nil, logger: Self.logger)
            let router = buildRouter(settings: ServerSettings(maxBodyBytes: 64 << 10), intake: intake, metrics: ServerMetrics(),
                                     sources: MetricsSources(jobs: { [:] }, spendUSD: { 0 }))
            try await LoopbackServer.with(router) { server in
                let body = Data(#"{"action": "labeled", "issue": {"number": 3, "title": "Total"}, "label": {"name": "fixloop"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}"#.utf8)
                func post() async throws -> Int {
                    var request = URLRequest(url: server.baseURL.appendingPathComponent("webhooks/github"))
                    request.httpMethod = "POST"
                    request.httpBody = body
                    request.setValue("issues", forHTTPHeaderField: "X-GitHub-Event")
                    request.setValue("delivery-1", forHTTPHeaderField: "X-GitHub-Delivery")
                    request.setValue(WebhookSignature.sign(body, secret: Self.secret), forHTTPHeaderField: "X-Hub-Signature-256")
                    return (try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode ?? 0
                }
                store.down.withLock { $0 = true }
                #expect(try await post() == 503)
                store.down.withLock { $0 = false }
                #expect(try await post() == 202, "the same delivery again, once the database is back, is not a duplicate")
                let jobs = try await store.jobs(state: nil, limit: 5)
                #expect(jobs.count == 1 && jobs.first?.state == .queued)
            }
        }
    }

    @Test func aDeliveryWhoseJobCouldNotBeQueuedIsNotRememberedSoItsRedeliveryIsQueued() async throws {
        try await withStore { store in
            let intake = WebhookIntake(secret: Self.secret, triggers: TriggerSettings(), store: store, github: nil, progress: nil, logger: Self.logger)
            let body = Data(#"{"action": "labeled", "issue": {"number": 4, "title": "Total"}, "label": {"name": "fixloop"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}"#.utf8)
            func post() async -> WebhookReply {
                await intake.receive(event: "issues", delivery: "delivery-2", signature: WebhookSignature.sign(body, secret: Self.secret), body: body)
            }
            store.enqueueDown.withLock { $0 = true }
            #expect(await post().status == 503)
            store.enqueueDown.withLock { $0 = false }
            let again = await post()
            #expect(again.result == "queued", "the redelivery is not taken for a duplicate: \(again)")
            let queued = try await store.jobs(state: .queued, limit: 5)
            #expect(queued.count == 1)
        }
    }

    /// Merges into a SQLite healing store, failing while `down` is set.
    final class SwitchedMerges: MergeRecorder {
        let inner: SQLiteHealingStore
        let down = Mutex(true)
        init(_ inner: SQLiteHealingStore) { self.inner = inner }
        func recordMerge(_ merge: PullRequestMerge) async throws {
            if down.withLock({ $0 }) { throw SwitchedJobStore.Unreachable() }
            try await inner.recordMerge(merge)
        }
    }

    @Test func aDeliveryWhoseMergeCouldNotBeRecordedIsForgottenSoItsRedeliveryRecordsIt() async throws {
        try await withTemporaryDirectory("fixloop-store-down-merge") { root in
            let database = try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite"))
            let merges = SwitchedMerges(SQLiteHealingStore(database: database))
            var intake = WebhookIntake(secret: Self.secret, triggers: TriggerSettings(), store: SQLiteJobStore(database: database), github: nil,
                                       progress: nil, logger: Self.logger)
            intake.merges = merges
            let body = Data(MergeWebhookTests.payload().utf8)
            func post() async -> WebhookReply {
                await intake.receive(event: "pull_request", delivery: "delivery-3", signature: WebhookSignature.sign(body, secret: Self.secret), body: body)
            }
            #expect(await post().status == 503)
            merges.down.withLock { $0 = false }
            let again = await post()
            #expect(again.result == "merged", "the redelivery is not taken for a duplicate: \(again)")
            #expect(try await merges.inner.merge(pullRequest: "https://github.com/acme/shop/pull/7") != nil)
        }
    }

    /// Runs every job it is given at once.
    struct QuickRunner: JobRunner {
        func run(_ job: Job, progress: @escaping @Sendable (ProgressEvent) async -> Void) async throws -> JobOutcome {
            JobOutcome(state: .done, summary: "fixed", prURL: "https://example/pull/\(job.id)", costUSD: 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func workersWaitWhileTheDatabaseIsDownAndRunTheQueueWhenItIsBack() async throws {
        try await withStore { store in
            let queued = try await store.enqueue(JobRequest(ticket: "gh:acme/shop#1", repository: "acme/shop", trigger: "t"), now: Date()).job
            store.down.withLock { $0 = true }
            let pool = WorkerPool(store: store, runner: QuickRunner(), progress: nil, metrics: ServerMetrics(),
                                  settings: WorkerSettings(workers: 2, lease: .seconds(30), poll: .milliseconds(5)), name: "test", logger: Self.logger)
            let running = Task { try await pool.run() }
            while store.failedCalls.withLock({ $0 }) < 6 { try await Task.sleep(for: .milliseconds(5)) }
            #expect(try await store.inner.job(queued.id)?.state == .queued)
            store.down.withLock { $0 = false }
            var job: Job?
            for _ in 0..<400 {
                job = try await store.job(queued.id)
                if job?.state == .done { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            pool.stop()
            running.cancel()
            _ = try? await running.value
            #expect(job?.state == .done && job?.attempts == 1, "\(String(describing: job))")
        }
    }

    @Test func theWaitBetweenFailedClaimsDoublesUpToThirtySeconds() {
        #expect(WorkerPool.backoff(after: 1, poll: .seconds(1)) == .seconds(1))
        #expect(WorkerPool.backoff(after: 3, poll: .seconds(1)) == .seconds(4))
        #expect(WorkerPool.backoff(after: 9, poll: .seconds(1)) == .seconds(30))
    }
}
