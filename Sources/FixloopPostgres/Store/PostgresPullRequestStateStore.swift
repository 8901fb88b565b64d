import FixloopCore
import Foundation
import PostgresNIO

/// The review's pull-request states in PostgreSQL (`pull_request_state`), shared by every machine's review page.
public struct PostgresPullRequestStateStore: PullRequestStateStore {
    public let store: PostgresStore

    public init(store: PostgresStore) { self.store = store }

    public func state(url: String) async throws -> PullRequestState? {
        try await store.withConnection { connection, logger in
            var state: PullRequestState?
            for try await (text, at) in try await connection.query("""
                SELECT state, read_at FROM pull_request_state WHERE url = \(url)
                """, logger: logger).decode((String, Date).self) {
                state = PullRequestState(url: url, state: text, readAt: at)
            }
            return state
        }
    }

    /// Keeps `state` as the newest known for its pull request (the last save wins, as SQLite's `INSERT OR REPLACE`).
    public func save(_ state: PullRequestState) async throws {
        try await store.withConnection { connection, logger in
            try await connection.query("""
                INSERT INTO pull_request_state (url, state, read_at) VALUES (\(state.url), \(state.state), \(state.readAt))
                ON CONFLICT (url) DO UPDATE SET state = excluded.state, read_at = excluded.read_at
                """, logger: logger)
        }
    }
}
