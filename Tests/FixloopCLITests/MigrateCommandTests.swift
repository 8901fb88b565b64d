@testable import FixloopCLI
import FixloopCore
import FixloopPostgres
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// `fixloop migrate`: the configured store's migrations, said once; `--from sqlite:PATH` copies a SQLite queue into
/// PostgreSQL once, however often it runs.
@Suite(.serialized)
struct MigrateCommandTests {
    static func run(_ arguments: [String], home: URL, environment extra: [String: String] = [:]) async -> (status: Int32, output: String, errors: String) {
        let output = Mutex(""), errors = Mutex("")
        let status = await Fixloop.run(
            arguments: arguments, environment: ["FIXLOOP_HOME": home.path, "HOME": home.path, "PATH": "/usr/bin:/bin"].merging(extra) { $1 },
            output: { text in output.withLock { $0 += text } }, errors: { text in errors.withLock { $0 += text } })
        return (status, output.withLock { $0 }, errors.withLock { $0 })
    }

    @Test func migratingTheSQLiteStoreSaysWhatRanThenThatItIsUpToDate() async throws {
        try await withTemporaryDirectory("fixloop-migrate") { root in
            let first = await Self.run(["migrate"], home: root)
            #expect(first.status == 0, "\(first.errors)")
            #expect(first.output.contains("sqlite:\(root.path)/fixloop.sqlite: applied ledger.v1, runs.v1") && first.output.contains("jobs.v4"), "\(first.output)")
            let again = await Self.run(["migrate"], home: root)
            #expect(again.output.contains("up to date, no migration ran"), "\(again.output)")
        }
    }

    @Test func aSQLiteStoreURLNamesTheFileTheQueueLivesIn() async throws {
        try await withTemporaryDirectory("fixloop-migrate-url") { root in
            let shared = root.appendingPathComponent("shared/queue.sqlite")
            let result = await Self.run(["migrate", "--json"], home: root, environment: ["FIXLOOP_DATABASE_URL": "sqlite:\(shared.path)"])
            #expect(result.status == 0, "\(result.errors)")
            #expect(FileManager.default.fileExists(atPath: shared.path))
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("fixloop.sqlite").path))
        }
    }

    @Test func copyingIntoSQLiteIsRefusedByName() async throws {
        try await withTemporaryDirectory("fixloop-migrate-refused") { root in
            _ = try FixloopDatabase(url: root.appendingPathComponent("old.sqlite"))
            let result = await Self.run(["migrate", "--from", "sqlite:\(root.path)/old.sqlite"], home: root)
            #expect(result.status == 2 && result.errors.contains("--from copies into PostgreSQL"), "\(result.errors)")
        }
    }

    @Test(.enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
    func copyingASQLiteQueueIntoPostgreSQLTwiceCopiesItOnce() async throws {
        let cluster = try PostgresTestCluster.shared()
        let url = cluster.url(database: try cluster.makeDatabase())
        try await withTemporaryDirectory("fixloop-migrate-pg") { root in
            let source = root.appendingPathComponent("old.sqlite")
            let old = SQLiteJobStore(database: try FixloopDatabase(url: source))
            let now = Date()
            let done = try await old.enqueue(JobRequest(ticket: "gh:acme/shop#1", repository: "acme/shop", trigger: "labelled"), now: now).job
            _ = try await old.claim(worker: "w", now: now, lease: .seconds(60), perRepositoryLimit: 1)
            try await old.finish(done.id, worker: "w", state: .done, summary: "fixed", prURL: "https://github.com/acme/shop/pull/9", costUSD: 0.25, now: now)
            let queued = try await old.enqueue(JobRequest(ticket: "gh:acme/shop#2", repository: "acme/shop", trigger: "labelled"), now: now).job
            _ = try await old.recordDelivery("d-1", now: now)
            _ = try await old.recordDelivery("d-2", now: now)
            _ = try await old.recordTrigger("issues.labeled acme/shop#2", delivery: "d-2", now: now)
            let environment = ["FIXLOOP_DATABASE_URL": url]

            let first = await Self.run(["migrate", "--from", "sqlite:\(source.path)", "--json"], home: root, environment: environment)
            #expect(first.status == 0, "\(first.errors)")
            let report = try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any]
            let copiedRows = report?["copied"] as? [String: Int] ?? [:]
            #expect(copiedRows.filter { $0.value > 0 } == ["job": 2, "webhook_delivery": 2, "webhook_trigger": 1], "\(first.output)")
            #expect(Set(copiedRows.keys) == Set(StoreSchema.shared.tables.map(\.name)), "every table is reported")
            #expect((report?["applied"] as? [String])?.isEmpty == false)
            let again = await Self.run(["migrate", "--from", "sqlite:\(source.path)"], home: root, environment: environment)
            #expect(again.status == 0 && again.output.contains("up to date") && again.output.contains("(nothing new)"), "\(again.output) \(again.errors)")

            let store = try await PostgresStore.open(url: try PostgresURL(parsing: url), poolSize: 2)
            defer { store.close() }
            let jobs = PostgresJobStore(store: store)
            let copied = try #require(try await jobs.job(done.id))
            #expect(copied.state == .done && copied.prURL == "https://github.com/acme/shop/pull/9" && copied.costUSD == 0.25)
            #expect(abs(copied.createdAt.timeIntervalSince(done.createdAt)) < 0.001)
            #expect(try await jobs.job(queued.id)?.state == .queued)
            #expect(try await jobs.recordDelivery("d-1", now: now) == false, "the copied delivery is known")
            let next = try await jobs.enqueue(JobRequest(ticket: "gh:acme/shop#3", repository: "acme/shop", trigger: "labelled"), now: now).job
            #expect(next.id > queued.id, "new ids follow the copied ones")
            let duplicate = try await jobs.enqueue(JobRequest(ticket: "gh:acme/shop#2", repository: "acme/shop", trigger: "labelled"), now: now)
            if case .alreadyActive = duplicate {} else { Issue.record("the copied queued job holds its ticket: \(duplicate)") }
        }
    }
}
