import FixloopCore
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// The shared store in PostgreSQL: a pool of connections (PostgresNIO's `PostgresClient`, run for the store's
/// lifetime) to one database, its schema migrated at open.
///
/// Build one per process with ``open(url:password:poolSize:)`` and hand it to the stores (``PostgresJobStore``);
/// ``close()`` when done. Every error comes out as a ``PostgresError`` naming the URL without its password; when no
/// connection can be had within ``acquireTimeout`` (the server is down or unreachable) the error is
/// `postgres.unreachable`, which a caller turns into a 503 or a wait.
public final class PostgresStore: Sendable {
    public let url: PostgresURL
    /// The most connections the pool opens.
    public let poolSize: Int
    /// How long an operation waits for a connection before it fails as unreachable.
    public let acquireTimeout: Duration
    let connector: PostgresConnector
    private let client: PostgresClient
    private let runner: Mutex<Task<Void, Never>?>

    static let logger: Logger = {
        var logger = Logger(label: "fixloop.postgres.store")
        logger.logLevel = .critical
        return logger
    }()

    /// Checks the server answers (a clear error at once, not a pool waiting for ever), starts the pool and applies
    /// the migrations not yet applied (``migrate()``).
    /// - Parameters:
    ///   - password: used when the URL has none (`FIXLOOP_DATABASE_PASSWORD`).
    ///   - poolSize: the most connections this process opens (at least 1).
    /// - Throws: ``PostgresError`` (`unreachable`, `auth_failed`, `database_missing`, `query_failed`).
    public static func open(
        url: PostgresURL, password: Secret? = nil, poolSize: Int = 10, acquireTimeout: Duration = .seconds(10), migrate: Bool = true
    ) async throws -> PostgresStore {
        var connector = PostgresConnector(url: url, password: password)
        connector.connectTimeout = acquireTimeout
        // One direct connection first: a refused password or a missing database is said now, not retried by the pool.
        try await connector.withConnection { connection, logger in
            try await connection.query("SELECT 1", logger: logger)
        }
        let store = try PostgresStore(connector: connector, poolSize: poolSize, acquireTimeout: acquireTimeout)
        if migrate {
            do {
                try await store.migrate()
            } catch {
                store.close()
                throw error
            }
        }
        return store
    }

    private init(connector: PostgresConnector, poolSize: Int, acquireTimeout: Duration) throws {
        self.connector = connector
        url = connector.url
        self.poolSize = max(1, poolSize)
        self.acquireTimeout = acquireTimeout
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: connector.password?.reveal(), database: url.database,
            tls: try Self.tls(url))
        configuration.options.maximumConnections = self.poolSize
        configuration.options.connectTimeout = acquireTimeout
        let client = PostgresClient(configuration: configuration, backgroundLogger: Self.logger)
        self.client = client
        runner = Mutex(Task { await client.run() })
    }

    deinit { runner.withLock { $0?.cancel() } }

    /// Stops the pool (its connections close); later operations fail.
    public func close() {
        runner.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    /// Runs `body` on a pooled connection.
    /// - Throws: ``PostgresError``: `unreachable` when no connection came within ``acquireTimeout``.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let acquired = AcquiredFlag()
        let client = client
        let url = url
        let timeout = acquireTimeout
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        acquired.set()
                        return try await body(connection, Self.logger)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    if !acquired.isSet {
                        throw PostgresError(.unreachable, "Could not get a connection to PostgreSQL at \(url) within \(Int(timeout.inSeconds)) seconds; check the host and port and that the server runs (the work waits and is retried).")
                    }
                    return nil
                }
                while let next = try await group.next() {
                    if let result = next {
                        group.cancelAll()
                        return result
                    }
                }
                throw CancellationError()
            }
        } catch {
            throw describe(error)
        }
    }

    /// A database or pool error as a ``PostgresError``; what `body` threw of its own passes unchanged.
    func describe(_ error: any Error) -> any Error {
        if error is PSQLError || error is PostgresTransactionError || String(reflecting: type(of: error)).contains("ConnectionPool") {
            return connector.describe(error)
        }
        return error
    }

    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled back when it throws.
    /// - Throws: ``PostgresError``, or what `body` threw when it is not a database error.
    public func withTransaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        try await withConnection { connection, logger in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection, logger)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Applies the migrations of ``StoreMigration/all`` not yet recorded in `fixloop_schema_migrations`, in one
    /// transaction under a transaction-scoped advisory lock, so two processes starting together do not race (the
    /// second waits, then finds nothing to do).
    /// - Returns: The ids of the migrations applied now (empty when the database was up to date).
    @discardableResult
    public func migrate(_ migrations: [StoreMigration] = StoreMigration.all, schema: StoreSchema = .shared) async throws -> [String] {
        try await withTransaction { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS fixloop_schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())
                """, logger: logger)
            var done = Set<String>()
            for try await id in try await connection.query("SELECT id FROM fixloop_schema_migrations", logger: logger).decode(String.self) {
                done.insert(id)
            }
            var applied: [String] = []
            for migration in migrations where !done.contains(migration.id) {
                for step in migration.steps {
                    try await connection.query(PostgresQuery(unsafeSQL: schema.postgresDDL(step)), logger: logger)
                }
                try await connection.query("INSERT INTO fixloop_schema_migrations (id) VALUES (\(migration.id))", logger: logger)
                applied.append(migration.id)
            }
            return applied
        }
    }

    /// The ids recorded in `fixloop_schema_migrations`, in the order applied.
    public func appliedMigrations() async throws -> [String] {
        try await withConnection { connection, logger in
            var ids: [String] = []
            let rows = try await connection.query("""
                SELECT id FROM fixloop_schema_migrations ORDER BY applied_at, id
                """, logger: logger)
            for try await id in rows.decode(String.self) { ids.append(id) }
            return ids
        }
    }

    /// The advisory lock key of the migrations (any fixed 64-bit number, the same in every process).
    static let migrationLock: Int64 = 0x6669_786c_6f6f_70 // "fixloop"

    private static func tls(_ url: PostgresURL) throws -> PostgresClient.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.tls {
        case .disable: return .disable
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        return url.tls == .prefer ? .prefer(tls) : .require(tls)
    }
}

/// Whether the pool handed out the connection yet.
private final class AcquiredFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
