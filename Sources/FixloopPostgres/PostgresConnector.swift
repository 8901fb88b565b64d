import FixloopCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Opens PostgresNIO connections from a ``PostgresURL`` and turns what can go wrong into a ``PostgresError`` a person
/// can act on: nothing listening, the password refused, the database missing.
public struct PostgresConnector: Sendable {
    public let url: PostgresURL
    /// The password: the URL's own, else the one given (`FIXLOOP_DATABASE_PASSWORD`, or its `_FILE`).
    public let password: Secret?
    /// How long a connection attempt may take.
    public var connectTimeout: Duration = .seconds(10)

    /// Connects to `url` with the URL's password, else `password`.
    public init(url: PostgresURL, password: Secret? = nil) {
        self.url = url
        self.password = url.password ?? password
    }

    /// Runs `body` on a new connection, closed afterwards; the server's errors come out as ``PostgresError``.
    public func withConnection<T: Sendable>(
        _ body: @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let logger = Self.logger
        let connection = try await connect(logger: logger)
        do {
            let result = try await body(connection, logger)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw describe(error)
        }
    }

    /// A new connection (the caller closes it).
    /// - Throws: ``PostgresError`` (`unreachable`, `auth_failed`, `database_missing`).
    public func connect(logger: Logger) async throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: password?.reveal(), database: url.database,
            tls: try tls())
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout.components.seconds))
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw describe(error)
        }
    }

    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.tls {
        case .disable: return .disable
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        do {
            let context = try NIOSSLContext(configuration: tls)
            return url.tls == .prefer ? .prefer(context) : .require(context)
        } catch {
            throw PostgresError(.unreachable, "Could not set up TLS for \(url) (\(error)); check the system's CA certificates or use sslmode=disable on a trusted network.")
        }
    }

    /// `error` as a ``PostgresError`` naming the URL (already one: unchanged).
    public func describe(_ error: any Error) -> any Error {
        if error is PostgresError || error is CancellationError { return error }
        if let transaction = error as? PostgresTransactionError,
           let inner = transaction.closureError ?? transaction.commitError ?? transaction.beginError {
            return describe(inner)
        }
        guard let psql = error as? PSQLError else {
            return PostgresError(.unreachable, "Could not reach PostgreSQL at \(url) (\(redact(String(describing: error)))); check the host and port and that the server runs.")
        }
        let state = psql.serverInfo?[.sqlState]
        let serverMessage = redact(psql.serverInfo?[.message] ?? "")
        switch (psql.code, state) {
        case (.server, "28P01"), (.server, "28000"):
            return PostgresError(.authenticationFailed, "PostgreSQL at \(url) refused user \(url.user) (\(serverMessage)); check the user and the password (in the URL, FIXLOOP_DATABASE_PASSWORD or the file FIXLOOP_DATABASE_PASSWORD_FILE names).")
        case (.authMechanismRequiresPassword, _):
            return PostgresError(.authenticationFailed, "PostgreSQL at \(url) asks user \(url.user) for a password and none was given; put it in FIXLOOP_DATABASE_PASSWORD or the file FIXLOOP_DATABASE_PASSWORD_FILE names.")
        case (.server, "3D000"):
            return PostgresError(.databaseMissing, "PostgreSQL at \(url) has no database \(url.database); create it (createdb \(url.database)) or fix the URL's path.")
        case (.sslUnsupported, _):
            return PostgresError(.unreachable, "PostgreSQL at \(url) does not offer TLS, which sslmode=\(url.tls.rawValue) requires; enable ssl on the server or lower sslmode.")
        case (.server, _):
            return PostgresError(.queryFailed, "PostgreSQL at \(url) refused a statement: \(serverMessage) (SQLSTATE \(state ?? "?")).")
        case (.connectionError, _), (.serverClosedConnection, _), (.uncleanShutdown, _), (.failedToAddSSLHandler, _):
            let cause = psql.underlying.map { redact(String(describing: $0)) } ?? psql.code.description
            return PostgresError(.unreachable, "Could not reach PostgreSQL at \(url) (\(cause)); check the host and port and that the server runs.")
        default:
            return PostgresError(.queryFailed, "PostgreSQL at \(url) failed: \(psql.code)\(serverMessage.isEmpty ? "" : ", " + serverMessage).")
        }
    }

    private func redact(_ text: String) -> String { password?.redact(text) ?? text }

    private static let logger: Logger = {
        var logger = Logger(label: "fixloop.postgres")
        logger.logLevel = .critical
        return logger
    }()
}

/// A table name as SQL: each dot-separated part double-quoted (`analytics.events` → `"analytics"."events"`).
public struct PostgresTableName: Sendable, Hashable, CustomStringConvertible {
    public let parts: [String]

    /// Parses `schema.table` or `table`.
    /// - Throws: ``PostgresError`` (`bad_table`) for an empty part or more than two.
    public init(_ text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
            throw PostgresError(.badTable, "\(text) is not a table name; write TABLE or SCHEMA.TABLE.")
        }
        self.parts = parts
    }

    /// The quoted SQL text.
    public var sql: String { parts.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ".") }
    /// The schema, when given (else the connection's `current_schema()`), and the table, for `information_schema`.
    public var schema: String? { parts.count == 2 ? parts[0] : nil }
    public var table: String { parts[parts.count - 1] }
    public var description: String { parts.joined(separator: ".") }
}
