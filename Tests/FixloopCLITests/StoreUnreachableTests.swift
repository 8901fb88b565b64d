@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopPostgres
import FixloopServer
import FixloopTesting
import Foundation
import Logging
import Synchronization
import Testing

/// The PostgreSQL store out of reach: `serve` refuses to start with a clear error; once running, a webhook it cannot
/// record answers 503 and its workers keep waiting rather than exiting.
@Suite(.serialized, .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct StoreUnreachableTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func aStoreOnAPortNothingListensOnIsUnreachableByNameWithoutItsPassword() async throws {
        try await withTemporaryDirectory("fixloop-store-unreachable") { root in
            let url = "postgres://fixloop:hunter2-secret@127.0.0.1:\(try PostgresTestCluster.unusedPort())/fixloop"
            let context = CommandContext(configuration: FixloopConfiguration(), state: StateDirectory(root: root), environment: ["FIXLOOP_DATABASE_URL": url])
            do {
                _ = try await StoreBackend.open(context)
                Issue.record("opened a store nothing serves")
            } catch let error as PostgresError {
                #expect(error.kind == .unreachable)
                #expect(error.message.contains("127.0.0.1") && !error.message.contains("hunter2"), "\(error.message)")
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func withTheClusterStoppedAWebhookAnswers503AndWorkersKeepWaiting() async throws {
        let cluster = try PostgresTestCluster.start()
        defer { cluster.stop() }
        let store = try await PostgresStore.open(url: try PostgresURL(parsing: cluster.url(database: try cluster.makeDatabase())), poolSize: 2,
                                                 acquireTimeout: .seconds(5))
        defer { store.close() }
        let jobs = PostgresJobStore(store: store)
        let secret = Secret("hook-secret")
        let intake = WebhookIntake(secret: secret, triggers: TriggerSettings(), store: jobs, github: nil, progress: nil, logger: Self.logger)
        let pool = WorkerPool(store: jobs, runner: NeverRunner(), progress: nil, metrics: ServerMetrics(),
                              settings: WorkerSettings(workers: 1, lease: .seconds(30), poll: .milliseconds(50)), name: "test", logger: Self.logger)
        let ended = Mutex(false)
        let workers = Task {
            try await pool.run()
            ended.withLock { $0 = true }
        }
        cluster.stop()
        let body = Data(#"{"action": "labeled", "issue": {"number": 3}, "label": {"name": "fixloop"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}"#.utf8)
        let reply = await intake.receive(event: "issues", delivery: "d-1", signature: WebhookSignature.sign(body, secret: secret), body: body)
        #expect(reply.status == 503, "\(reply)")
        try await Task.sleep(for: .seconds(3))
        #expect(!ended.withLock { $0 }, "the workers wait for the database instead of exiting")
        pool.stop()
        workers.cancel()
        _ = try? await workers.value
    }

    struct NeverRunner: JobRunner {
        func run(_ job: Job, progress: @escaping @Sendable (ProgressEvent) async -> Void) async throws -> JobOutcome {
            Issue.record("no job was queued")
            return JobOutcome(state: .failed, summary: "unexpected")
        }
    }
}
