import FixloopCore

/// Why a PostgreSQL URL, connection or query failed: one sentence that names the URL (never its password) and
/// what to do.
public struct PostgresError: FixloopError {
    /// What went wrong, with a stable code.
    public enum Kind: String, Sendable {
        /// The URL does not parse.
        case badURL = "postgres.bad_url"
        /// Nothing answered at the host and port, or TLS could not be agreed.
        case unreachable = "postgres.unreachable"
        /// The server refused the user or the password.
        case authenticationFailed = "postgres.auth_failed"
        /// The server has no database of that name.
        case databaseMissing = "postgres.database_missing"
        /// The table is missing or lacks the columns the reader needs.
        case badTable = "postgres.bad_table"
        /// A statement failed on the server.
        case queryFailed = "postgres.query_failed"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The stable code, such as `postgres.unreachable`.
    public var code: String { kind.rawValue }
}
