@testable import FixloopCLI
import FixloopCore
import FixloopPostgres
import FixloopStore
import FixloopTesting
import Foundation
import GRDB
import PostgresNIO
import Testing

/// `fixloop migrate --from sqlite:PATH` copies every table of the store, not only the queue: each row once however
/// often it runs, booleans as booleans, and the identity sequences past the copied ids.
@Suite(.serialized)
struct MigrateCopyAllTests {
    @Test(.enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
    func copyingEveryTableTwiceCopiesEachRowOnceAndNewIdsFollowTheCopiedOnes() async throws {
        let cluster = try PostgresTestCluster.shared()
        let url = cluster.url(database: try cluster.makeDatabase())
        try await withTemporaryDirectory("fixloop-migrate-all") { root in
            let source = root.appendingPathComponent("old.sqlite")
            let database = try FixloopDatabase(url: source)
            try await Self.fill(database)
            let expected = try Self.counts(database)
            for table in StoreSchema.shared.tables {
                #expect(expected[table.name, default: 0] > 0, "the source has no row in \(table.name): the test would not see it copied")
            }
            let environment = ["FIXLOOP_DATABASE_URL": url]

            let first = await MigrateCommandTests.run(["migrate", "--from", "sqlite:\(source.path)", "--json"], home: root, environment: environment)
            #expect(first.status == 0, "\(first.errors)")
            let report = try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any]
            #expect(report?["copied"] as? [String: Int] == expected, "\(first.output)")
            let again = await MigrateCommandTests.run(["migrate", "--from", "sqlite:\(source.path)"], home: root, environment: environment)
            #expect(again.status == 0 && again.output.contains("(nothing new)"), "\(again.output) \(again.errors)")
            #expect(again.errors.contains("migrate: analytics_event: read 1, copied 0"), "progress per table on standard error: \(again.errors)")

            let store = try await PostgresStore.open(url: try PostgresURL(parsing: url), poolSize: 2)
            defer { store.close() }
            for table in StoreSchema.shared.tables {
                #expect(try await store.rowCount(of: table) == expected[table.name], "\(table.name) holds each row once")
            }
            #expect(try await Self.bool("SELECT collected FROM grading_batch WHERE id = 'batch-1'", store) == true)
            #expect(try await Self.bool("SELECT deploy_stated FROM fix_life LIMIT 1", store) == true)
            #expect(try await Self.bool("SELECT has_source_id FROM analytics_session LIMIT 1", store) == true)
            let job = try #require(try await PostgresJobStore(store: store).job(1))
            #expect(job.state == .done && job.costUSD == 0.25)
            #expect(try await PostgresRunStore(store: store).run("run-1")?.status == .fixed)

            for table in StoreSchema.shared.tables where table.autoIncrement {
                let copiedMax = try await Self.integer("SELECT max(id) FROM \"\(table.name)\"", store)
                let fresh = try await Self.insertWithoutID(table, store)
                #expect(fresh > copiedMax, "a new \(table.name) row gets an id past the copied ones (\(fresh) ≤ \(copiedMax))")
            }
        }
    }

    /// Rows in every table: through the SQLite store types where they write it, else one row built from the schema.
    static func fill(_ database: FixloopDatabase) async throws {
        let now = Date(timeIntervalSince1970: 1_750_000_000.25)
        let jobs = SQLiteJobStore(database: database)
        let done = try await jobs.enqueue(JobRequest(ticket: "local:1", repository: "acme/shop", trigger: "labelled"), now: now).job
        _ = try await jobs.claim(worker: "w", now: now, lease: .seconds(60), perRepositoryLimit: 1)
        try await jobs.finish(done.id, worker: "w", state: .done, summary: "fixed", prURL: "https://github.com/acme/shop/pull/9", costUSD: 0.25, now: now)
        _ = try await jobs.enqueue(JobRequest(ticket: "local:2", repository: "acme/shop", trigger: "labelled"), now: now)
        _ = try await jobs.recordDelivery("d-1", now: now)
        _ = try await jobs.recordTrigger("issues.labeled acme/shop#2", delivery: "d-1", now: now)

        let runs = SQLiteRunStore(database: database)
        _ = try runs.start(RunRecord(id: "run-1", ticket: "local:1", repository: "acme/shop", host: "elsewhere", pid: 1, startedAt: now))
        try runs.finish("run-1", status: .fixed, branch: "fixloop/local-1", prURL: "https://github.com/acme/shop/pull/9", reason: nil)
        _ = try runs.branch(ticket: "local:1", repository: "acme/shop", proposed: "fixloop/local-1")

        let ledger = SQLiteLedgerStore(database: database)
        let attribution = CallAttribution(runID: "run-1", ticketID: "local:1", repository: "acme/shop")
        try await ledger.record(LedgerEntry(date: now, attribution: attribution, model: "m", usage: TokenUsage(inputTokens: 10, outputTokens: 5),
                                            costUSD: 0.01, latencyMilliseconds: 20))
        _ = try await ledger.reserve(LedgerHold(attribution: attribution, day: "2025-06-15", costUSD: 0.5, tokens: 100, madeAt: Date(),
                                                expiresAt: Date().addingTimeInterval(3_600)), checks: [])

        let batches = SQLiteGradingBatchStore(database: database)
        try await batches.record(batchID: "batch-1", model: "m", entries: [
            GradingBatchEntry(batchID: "batch-1", customID: "c-1", sessionID: "s-1", timelineHash: "t", promptHash: "p"),
        ], at: now)
        _ = try await batches.markCollected(batchID: "batch-1", phase: "ended")
        try await SQLiteHealingStore(database: database).recordMerge(
            PullRequestMerge(pullRequest: "https://github.com/acme/shop/pull/9", commit: "abc", mergedAt: now, source: .webhook))
        try SQLitePullRequestStateStore(database: database).save(PullRequestState(url: "https://github.com/acme/shop/pull/9", state: "merged", readAt: now))

        // The scorer's, planner's and healing tables whose writers need a whole import, grading or plan: one row
        // each, every column given, booleans true.
        let counts = try counts(database)
        try await database.pool.write { db in
            for table in StoreSchema.shared.tables where counts[table.name, default: 0] == 0 {
                let names = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
                let places = table.columns.map { _ in "?" }.joined(separator: ", ")
                let values: [DatabaseValueConvertible] = table.columns.map { column in
                    switch column.type {
                    case .integer: return 7
                    case .text: return "\(table.name).\(column.name)"
                    case .real: return 1.5
                    case .timestamp: return now.timeIntervalSince1970
                    case .boolean: return true
                    }
                }
                try db.execute(sql: "INSERT INTO \"\(table.name)\" (\(names)) VALUES (\(places))", arguments: StatementArguments(values))
            }
        }
    }

    /// Each table's rows in the SQLite file.
    static func counts(_ database: FixloopDatabase) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in StoreSchema.shared.tables {
            var count = 0, after = Int64.min
            while let chunk = try database.rows(of: table.name, columns: ["rowid"], afterRowID: after, limit: 100) {
                count += chunk.rows.count
                after = chunk.lastRowID
            }
            counts[table.name] = count
        }
        return counts
    }

    static func bool(_ sql: String, _ store: PostgresStore) async throws -> Bool? {
        try await store.withConnection { connection, logger in
            var value: Bool?
            for try await flag in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Bool.self) { value = flag }
            return value
        }
    }

    static func integer(_ sql: String, _ store: PostgresStore) async throws -> Int {
        try await store.withConnection { connection, logger in
            var value = 0
            for try await number in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) { value = number }
            return value
        }
    }

    /// Inserts a row into `table` without its id (the database gives one). - Returns: the id.
    static func insertWithoutID(_ table: StoreSchema.Table, _ store: PostgresStore) async throws -> Int {
        let columns = table.columns.filter { !table.primaryKey.contains($0.name) && !$0.nullable && $0.defaultValue == nil }
        let values = columns.map { column -> String in
            switch column.type {
            case .integer: return "8"
            case .text: return "'new-\(column.name)'"
            case .real: return "2.5"
            case .timestamp: return "now()"
            case .boolean: return "false"
            }
        }
        let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        return try await integer("INSERT INTO \"\(table.name)\" (\(names)) VALUES (\(values.joined(separator: ", "))) RETURNING id", store)
    }
}
