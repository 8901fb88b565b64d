import FixloopCore
import FixloopPlanner
import FixloopPostgres
import FixloopStore
import FixloopTesting
import Foundation
import GRDB
import PostgresNIO

/// A fresh healing store of one backend, with what it links lives from: the planner's tickets and plans (written
/// here with SQL, as the planner's store would) and the fix runs (through the run store).
struct HealingFixture: Sendable {
    /// Another handle on the same data, with its own connections (as another process or machine).
    let open: @Sendable () async throws -> any HealingStore
    let runs: any RunStore
    /// Files a ticket in `planner_ticket` under `reference`.
    let fileTicket: @Sendable (_ id: Int, _ reference: String?, _ fingerprint: String, _ title: String) async throws -> Void
    /// Keeps a plan run whose `result` is `json`.
    let keepPlan: @Sendable (_ id: Int, _ json: String) async throws -> Void
    /// A ticket's update comments.
    let updates: @Sendable (_ id: Int) async throws -> [String]

    /// A run of `ticket` that finished `fixed` with `branch` and `pullRequest`, started at `startedAt`.
    func fixedRun(_ id: String, ticket: String, repository: String = "/r", branch: String?, pullRequest: String?, startedAt: Date,
                  status: RunStatus = .fixed) async throws {
        let record = RunRecord(id: id, ticket: ticket, repository: repository, host: ProcessInfo.processInfo.hostName, pid: getpid(),
                               startedAt: startedAt)
        _ = try await runs.start(record)
        try await runs.finish(id, status: status, branch: branch, prURL: pullRequest, reason: nil)
    }
}

extension StoreBackend {
    /// Runs `body` with a fresh, empty healing store of this backend and its fixture.
    func withHealingStore(_ body: (any HealingStore, HealingFixture) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory("fixloop-conformance") { root in
                let file = root.appendingPathComponent("fixloop.sqlite")
                let database = try FixloopDatabase(url: file)
                let fixture = HealingFixture(
                    open: { SQLiteHealingStore(database: try FixloopDatabase(url: file)) },
                    runs: SQLiteRunStore(database: database),
                    fileTicket: { id, reference, fingerprint, title in
                        try await database.pool.write { db in
                            try db.execute(sql: """
                                INSERT INTO planner_ticket (id, sink, fingerprint, fingerprints, reference, title, body, labels, classification,
                                    priority, sessions, reported, created_at, updated_at)
                                VALUES (?, 'local', ?, '[]', ?, ?, '', '[]', 'bug', 2, 1, '', ?, ?)
                                """, arguments: [id, fingerprint, reference, title, 0.0, 0.0])
                        }
                    },
                    keepPlan: { id, json in
                        try await database.pool.write { db in
                            try db.execute(sql: "INSERT INTO plan_run (id, created_at, until, sink, result) VALUES (?, 0, 0, 'local', ?)",
                                           arguments: [id, json])
                        }
                    },
                    updates: { id in
                        let text = try await database.pool.read { db in
                            try String.fetchOne(db, sql: "SELECT updates FROM planner_ticket WHERE id = ?", arguments: [id])
                        }
                        return try JSONDecoder().decode([String].self, from: Data((text ?? "[]").utf8))
                    })
                try await body(SQLiteHealingStore(database: database), fixture)
            }
        case .postgres:
            let (url, store, opened) = try await Self.openPostgres()
            defer { opened.closeAll() }
            let fixture = HealingFixture(
                open: {
                    let another = try await PostgresStore.open(url: url, poolSize: 1, migrate: false)
                    opened.add(another)
                    return PostgresHealingStore(store: another)
                },
                runs: PostgresRunStore(store: store),
                fileTicket: { id, reference, fingerprint, title in
                    try await store.withConnection { connection, logger in
                        _ = try await connection.query("""
                            INSERT INTO planner_ticket (id, sink, fingerprint, fingerprints, reference, title, body, labels, classification,
                                priority, sessions, reported, created_at, updated_at)
                            VALUES (\(id), 'local', \(fingerprint), '[]', \(reference), \(title), '', '[]', 'bug', 2, 1, '', now(), now())
                            """, logger: logger)
                    }
                },
                keepPlan: { id, json in
                    try await store.withConnection { connection, logger in
                        _ = try await connection.query("""
                            INSERT INTO plan_run (id, created_at, until, sink, result) VALUES (\(id), now(), now(), 'local', \(json))
                            """, logger: logger)
                    }
                },
                updates: { id in
                    let text = try await store.withConnection { connection, logger in
                        var text = "[]"
                        for try await stored in try await connection.query("SELECT updates FROM planner_ticket WHERE id = \(id)", logger: logger)
                            .decode(String.self) { text = stored }
                        return text
                    }
                    return try JSONDecoder().decode([String].self, from: Data(text.utf8))
                })
            try await body(PostgresHealingStore(store: store), fixture)
        }
    }

    /// Runs `body` with a fresh, empty pull-request state store of this backend.
    func withPullRequestStateStore(_ body: (any PullRequestStateStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory("fixloop-conformance") { root in
                try await body(SQLitePullRequestStateStore(database: try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite"))))
            }
        case .postgres:
            guard Self.postgresAvailable else { throw PostgresTestClusterError(Self.unavailableReason) }
            let cluster = try PostgresTestCluster.shared()
            let store = try await PostgresStore.open(url: try PostgresURL(parsing: cluster.url(database: try cluster.makeDatabase())), poolSize: 2)
            defer { store.close() }
            try await body(PostgresPullRequestStateStore(store: store))
        }
    }
}
