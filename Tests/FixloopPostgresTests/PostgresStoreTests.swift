import FixloopCore
import FixloopPostgres
import FixloopTesting
import Foundation
import PostgresNIO
import Testing

/// The PostgreSQL store's pool and migrations against a real server (the test cluster).
@Suite(.enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct PostgresStoreTests {
    @Test func twoProcessesOpeningTogetherApplyEachMigrationOnceAndRecordIt() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        let url = try PostgresURL(parsing: cluster.url(database: database))
        // Four stores (each its own pool, as four processes would have) open at once.
        let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresStore.open(url: url, poolSize: 2, migrate: false) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        defer { stores.forEach { $0.close() } }
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(applied == StoreMigration.all.map(\.id))
        #expect(try await stores[0].appliedMigrations() == StoreMigration.all.map(\.id))
        #expect(try await stores[0].migrate().isEmpty)
        let recorded = try cluster.psql(database: database, "SELECT count(*) FROM fixloop_schema_migrations")
        #expect(recorded == "\(StoreMigration.all.count)")
    }

    @Test func theMigratedTablesHaveTheDescribedColumnsAndThePartialUniqueIndex() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        let store = try await PostgresStore.open(url: try PostgresURL(parsing: cluster.url(database: database)), poolSize: 1)
        defer { store.close() }
        for table in StoreSchema.shared.tables {
            let columns = try cluster.psql(database: database, """
                SELECT column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns
                WHERE table_name = '\(table.name)' ORDER BY column_name
                """).split(separator: "\n").map(String.init)
            let described = table.columns.map { column in
                let type = column.type == .timestamp ? "timestamp with time zone" : column.type.postgresType
                return "\(column.name) \(type) \(column.nullable ? "YES" : "NO")"
            }
            #expect(columns == described.sorted(), "\(table.name)")
        }
        let index = try cluster.psql(database: database, "SELECT indexdef FROM pg_indexes WHERE indexname = 'job_active_ticket'")
        #expect(index.contains("CREATE UNIQUE INDEX") && index.contains("WHERE (state = ANY (ARRAY['queued'::text, 'running'::text]))"), "\(index)")
    }

    @Test func aServerThatStopsAnsweringIsUnreachableNamingTheURLWithoutThePassword() async throws {
        let port = try PostgresTestCluster.unusedPort()
        let url = try PostgresURL(parsing: "postgres://someone:hunter22@127.0.0.1:\(port)/fixloop")
        await #expect {
            try await PostgresStore.open(url: url, poolSize: 1, acquireTimeout: .seconds(2))
        } throws: { error in
            let error = error as? FixloopPostgres.PostgresError
            return error?.kind == .unreachable && error?.message.contains("hunter22") == false
                && error?.message.contains("postgres://someone@127.0.0.1:\(port)/fixloop") == true
        }
    }

    @Test func aTransactionThatThrowsLeavesNothingBehind() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        let store = try await PostgresStore.open(url: try PostgresURL(parsing: cluster.url(database: database)), poolSize: 1)
        defer { store.close() }
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await store.withTransaction { connection, logger in
                try await connection.query("INSERT INTO webhook_delivery (id, received_at) VALUES ('d1', now())", logger: logger)
                throw Stop()
            }
        }
        #expect(try cluster.psql(database: database, "SELECT count(*) FROM webhook_delivery") == "0")
    }
}

/// A store whose server goes away: its operations fail as `postgres.unreachable` within the acquire timeout (what
/// `serve` turns into a 503 or a wait), never hang.
@Suite(.enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct PostgresStoreOutageTests {
    @Test(.timeLimit(.minutes(2)))
    func anOperationAfterTheServerStoppedIsUnreachableWithinTheAcquireTimeout() async throws {
        let cluster = try PostgresTestCluster.start()
        defer { cluster.stop() }
        let url = try PostgresURL(parsing: cluster.url(database: try cluster.makeDatabase()))
        // 5 s, not less: on a loaded machine opening a new cluster's first connections takes seconds.
        let store = try await PostgresStore.open(url: url, poolSize: 2, acquireTimeout: .seconds(5))
        defer { store.close() }
        let jobs = PostgresJobStore(store: store)
        #expect(try await jobs.recordDelivery("before", now: Date()))
        cluster.stop()
        let started = ContinuousClock.now
        for _ in 0..<2 {
            await #expect {
                _ = try await jobs.recordDelivery("during", now: Date())
            } throws: { error in
                let error = error as? FixloopPostgres.PostgresError
                return error?.kind == .unreachable && error?.message.contains(url.description) == true
            }
        }
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
