import FixloopCore
import FixloopPostgres
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// The backends a conformance test runs against: `@Test(arguments: StoreBackend.available)`.
///
/// Without a PostgreSQL server (not installed, or `FIXLOOP_TEST_NO_POSTGRES` set to see that report) there are no
/// PostgreSQL cases, and `PostgresBackendTests/thePostgreSQLCasesRun` is reported skipped, so they never count as
/// passed. (Swift Testing 6.3 reports a `Test.cancel`led case as passed, so the cases are left out instead.)
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static var postgresAvailable: Bool {
        PostgresTestCluster.isAvailable && ProcessInfo.processInfo.environment["FIXLOOP_TEST_NO_POSTGRES"] == nil
    }

    /// SQLite always; PostgreSQL when a server can be started here.
    static var available: [StoreBackend] { postgresAvailable ? allCases : [.sqlite] }

    static let unavailableReason = "PostgreSQL is not installed (apt-get install postgresql): the PostgreSQL cases of the store conformance suites did not run"

    /// One fresh store of this backend: `open()` opens another handle on the same data with its own connections, as
    /// another process (or machine) would.
    struct Fixture: Sendable {
        let open: @Sendable () async throws -> any JobStore
    }

    /// Runs `body` with a fresh, empty store.
    func withJobStore(_ body: (any JobStore, Fixture) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory("fixloop-conformance") { root in
                let file = root.appendingPathComponent("fixloop.sqlite")
                let fixture = Fixture(open: { SQLiteJobStore(database: try FixloopDatabase(url: file)) })
                try await body(try await fixture.open(), fixture)
            }
        case .postgres:
            let (url, store, opened) = try await Self.openPostgres()
            defer { opened.closeAll() }
            let fixture = Fixture(open: {
                let another = try await PostgresStore.open(url: url, poolSize: 1, migrate: false)
                opened.add(another)
                return PostgresJobStore(store: another)
            })
            try await body(PostgresJobStore(store: store), fixture)
        }
    }
}

extension StoreBackend {
    /// A fresh database on the test cluster and a first, migrating pool on it; the caller closes `opened` at its end
    /// (`defer { opened.closeAll() }`), with every other pool it adds there.
    static func openPostgres(poolSize: Int = 4) async throws -> (url: PostgresURL, store: PostgresStore, opened: OpenedStores) {
        guard postgresAvailable else { throw PostgresTestClusterError(unavailableReason) }
        let cluster = try PostgresTestCluster.shared()
        let url = try PostgresURL(parsing: cluster.url(database: try cluster.makeDatabase()))
        let opened = OpenedStores()
        let store = try await PostgresStore.open(url: url, poolSize: poolSize)
        opened.add(store)
        return (url, store, opened)
    }
}

/// The PostgreSQL pools a test opened, closed at its end.
final class OpenedStores: Sendable {
    private let stores = Mutex<[PostgresStore]>([])
    func add(_ store: PostgresStore) { stores.withLock { $0.append(store) } }
    func closeAll() { stores.withLock { $0.forEach { $0.close() } } }
}

/// Stands for the PostgreSQL cases: skipped, with the reason, when they are left out.
@Suite(.enabled(if: StoreBackend.postgresAvailable, Comment(rawValue: StoreBackend.unavailableReason)))
struct PostgresBackendTests {
    @Test func thePostgreSQLCasesRun() async throws {
        let cluster = try PostgresTestCluster.shared()
        let store = try await PostgresStore.open(url: try PostgresURL(parsing: cluster.url(database: try cluster.makeDatabase())), poolSize: 1)
        store.close()
    }
}
