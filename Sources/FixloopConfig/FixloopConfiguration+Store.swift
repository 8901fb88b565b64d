import Foundation

/// The `[store]` table of `fixloop.toml`: where the job queue, the webhook deliveries and the spend ledger live.
///
/// Without `url` they live in the state directory's SQLite file, as on one machine. `postgres://…` puts them in a
/// PostgreSQL database that several `fixloop serve` processes on several machines share (docs/scaling.md);
/// `sqlite:PATH` names another SQLite file (processes on one machine may share it). `FIXLOOP_DATABASE_URL` wins
/// over `url`; the password never goes in this file (`FIXLOOP_DATABASE_PASSWORD`, its `_FILE`, or the URL in
/// `FIXLOOP_DATABASE_URL`).
public struct StoreSettings: Sendable, Equatable {
    /// `postgres://user@host:5432/database` or `sqlite:/path/to/fixloop.sqlite`; nil: the state directory's file.
    public var url: String?
    /// Connections each process keeps open to PostgreSQL (ignored for SQLite).
    public var poolSize = 8

    /// The defaults: the state directory's SQLite file.
    public init() {}
}

extension StoreSettings {
    init(reading table: inout ConfigSection) throws {
        self.init()
        if let value = try table.string("url"), !value.isEmpty {
            let lowered = value.lowercased()
            if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
                if let components = URLComponents(string: value), let password = components.password, !password.isEmpty {
                    throw ConfigurationError(
                        kind: .invalidValue, file: table.file, key: "store.url",
                        detail: "carries a password, and secrets are not kept in fixloop.toml: drop it from the URL and put it in FIXLOOP_DATABASE_PASSWORD (or the file FIXLOOP_DATABASE_PASSWORD_FILE names), or set the whole URL in FIXLOOP_DATABASE_URL")
                }
            } else if !lowered.hasPrefix("sqlite:") || value.count <= "sqlite:".count {
                throw ConfigurationError(
                    kind: .invalidValue, file: table.file, key: "store.url",
                    detail: "is \"\(value)\" but must be postgres://user@host:5432/database or sqlite:/path/to/fixloop.sqlite")
            }
            url = value
        }
        if let value = try table.int("pool_size", range: 1...200) { poolSize = value }
    }
}
