import FixloopCore
import FixloopPostgres
import FixloopStore
import Foundation
import GRDB
import PostgresNIO
import Testing

/// The webhook intake's delivery, trigger and job recorded in one transaction, on both backends: a failure keeps
/// none of them (the redelivery, under the same id, is queued), and a replay queues nothing.
struct DeliveryEnqueueConformanceTests {
    static let request = JobRequest(ticket: "gh:acme/shop#1", repository: "acme/shop", trigger: "labelled fixloop by alice")

    @Test(arguments: StoreBackend.available)
    func aDeliveryWhoseJobCouldNotBeQueuedIsNotKeptSoItsRedeliveryIsQueued(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, _ in
            try await Self.refuseNewJobs(store, true)
            await #expect(throws: (any Error).self) {
                _ = try await store.enqueue(Self.request, delivery: "d-1", trigger: "issues.labeled acme/shop#1", now: Date())
            }
            try await Self.refuseNewJobs(store, false)
            let again = try await store.enqueue(Self.request, delivery: "d-1", trigger: "issues.labeled acme/shop#1", now: Date())
            guard case .recorded(.enqueued(let job)) = again else { Issue.record("the redelivery was not queued: \(again)"); return }
            #expect(job.ticket == "gh:acme/shop#1" && job.state == .queued)
            #expect(try await store.recordDelivery("d-1", now: Date()) == false, "the delivery is recorded with its job")
            #expect(try await store.recordTrigger("issues.labeled acme/shop#1", delivery: "d-9", now: Date()) == false)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aReplayedDeliveryOrTriggerQueuesNothing(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, fixture in
            let others = [try await fixture.open(), try await fixture.open(), try await fixture.open()]
            let answers = try await withThrowingTaskGroup(of: DeliveryEnqueueResult.self) { group in
                for index in 0..<6 {
                    let handle = index < others.count ? others[index] : store
                    group.addTask { try await handle.enqueue(Self.request, delivery: "d-1", trigger: "issues.labeled acme/shop#1", now: Date()) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { if case .recorded(.enqueued) = $0 { true } else { false } }.count == 1, "\(answers)")
            #expect(answers.filter { $0 == .duplicateDelivery }.count == 5, "\(answers)")
            let sameTrigger = try await store.enqueue(Self.request, delivery: "d-2", trigger: "issues.labeled acme/shop#1", now: Date())
            #expect(sameTrigger == .duplicateTrigger)
            #expect(try await store.recordDelivery("d-2", now: Date()) == false, "a duplicate trigger's delivery is recorded")
            #expect(try await store.jobs(state: nil, limit: 10).count == 1)
            let untriggered = try await store.enqueue(JobRequest(ticket: "gh:acme/shop#2", repository: "acme/shop", trigger: "a comment"),
                                                      delivery: "d-3", trigger: nil, now: Date())
            if case .recorded(.enqueued) = untriggered {} else { Issue.record("a delivery without a trigger key was not queued: \(untriggered)") }
        }
    }

    /// Makes every insert into `job` fail (or stops doing so), as a database failing mid-transaction does.
    static func refuseNewJobs(_ store: any JobStore, _ refuse: Bool) async throws {
        if let sqlite = store as? SQLiteJobStore {
            try await sqlite.database.pool.write { db in
                try db.execute(sql: refuse ? "CREATE TRIGGER refuse_jobs BEFORE INSERT ON job BEGIN SELECT RAISE(ABORT, 'refused'); END"
                                           : "DROP TRIGGER refuse_jobs")
            }
        } else if let postgres = store as? PostgresJobStore {
            try await postgres.store.withConnection { connection, logger in
                if refuse {
                    try await connection.query("""
                        CREATE FUNCTION refuse_jobs() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$
                        """, logger: logger)
                    try await connection.query("CREATE TRIGGER refuse_jobs BEFORE INSERT ON job FOR EACH ROW EXECUTE FUNCTION refuse_jobs()", logger: logger)
                } else {
                    try await connection.query("DROP TRIGGER refuse_jobs ON job", logger: logger)
                }
            }
        } else {
            Issue.record("no way to break \(type(of: store))")
        }
    }
}
