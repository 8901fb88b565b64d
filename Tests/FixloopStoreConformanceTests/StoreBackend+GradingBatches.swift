import FixloopCore
import FixloopPostgres
import FixloopStore
import FixloopTesting
import Foundation

extension StoreBackend {
    /// Runs `body` with a fresh, empty grading-batch store of this backend, and a way to open another handle on the
    /// same data (its own connections, as another process or machine).
    ///
    /// The PostgreSQL database sorts text by ICU's `en-US` rules, as a server set up with an English locale does,
    /// so an order that only holds under the test cluster's `C` locale shows.
    func withGradingBatchStore(
        _ body: (any GradingBatchStore, @escaping @Sendable () async throws -> any GradingBatchStore) async throws -> Void
    ) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory("fixloop-conformance") { root in
                let file = root.appendingPathComponent("fixloop.sqlite")
                let open: @Sendable () async throws -> any GradingBatchStore = { SQLiteGradingBatchStore(database: try FixloopDatabase(url: file)) }
                try await body(try await open(), open)
            }
        case .postgres:
            guard Self.postgresAvailable else { throw PostgresTestClusterError(Self.unavailableReason) }
            let cluster = try PostgresTestCluster.shared()
            let name = "b_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
            try cluster.psql(database: "postgres", "CREATE DATABASE \(name) TEMPLATE template0 LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'")
            let url = try PostgresURL(parsing: cluster.url(database: name))
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let store = try await PostgresStore.open(url: url, poolSize: 4)
            opened.add(store)
            let open: @Sendable () async throws -> any GradingBatchStore = {
                let another = try await PostgresStore.open(url: url, poolSize: 1, migrate: false)
                opened.add(another)
                return PostgresGradingBatchStore(store: another)
            }
            try await body(PostgresGradingBatchStore(store: store), open)
        }
    }
}
