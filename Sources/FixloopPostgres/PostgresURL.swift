import FixloopCore
import Foundation

/// A `postgres://user:password@host:port/database?sslmode=…` URL, parsed once; its text for people never shows the
/// password.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS: libpq's `sslmode` values.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's `allow` reads the same).
        case prefer
        /// TLS or no connection, without checking the certificate.
        case require
        /// TLS, with the certificate checked against the trusted roots but not the host name.
        case verifyCA = "verify-ca"
        /// TLS, with the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    public var user: String
    /// The password written in the URL, if any (else `FIXLOOP_DATABASE_PASSWORD`, read at the CLI's edge).
    public var password: Secret?
    public var host: String
    public var port: Int
    public var database: String
    /// `sslmode`, else off for a loopback host and `prefer` for any other.
    public var tls: TLSMode

    /// Parses `text`.
    /// - Throws: ``PostgresError`` (`postgres.bad_url`) naming what is wrong, never the password.
    public init(parsing text: String) throws {
        func bad(_ why: String) -> PostgresError {
            PostgresError(.badURL, "\(Self.redacted(text)) is not a PostgreSQL URL: \(why); write postgres://user:password@host:5432/database.")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw bad("it does not parse as a URL")
        }
        guard scheme == "postgres" || scheme == "postgresql" else { throw bad("the scheme must be postgres://") }
        guard let host = components.host, !host.isEmpty else { throw bad("it names no host") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw bad("its path must be the database's name") }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? 5432
        self.database = database.removingPercentEncoding ?? database
        user = components.user?.removingPercentEncoding ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : Secret($0) }
        let mode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value
        switch mode {
        case nil: tls = Self.isLoopback(self.host) ? .disable : .prefer
        case "allow": tls = .prefer
        case let mode?:
            guard let known = TLSMode(rawValue: mode) else {
                throw bad("sslmode=\(mode) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            tls = known
        }
    }

    /// Whether `host` is this machine: `localhost` or a 127.0.0.0/8 or ::1 address.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The URL as people see it: `postgres://user@host:port/database`, never the password.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)"
    }

    /// `text` with any password between `:` and `@` replaced, for messages about a URL that did not parse.
    static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://") else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
