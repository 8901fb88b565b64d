import FixloopCore
import Foundation
import GRDB

/// Migration `review.v1`: the last known state of each pull request the review links, with when it was read.
enum PullRequestStateSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("review.v1") { db in
            try db.create(table: "pull_request_state") { table in
                table.primaryKey("url", .text)
                table.column("state", .text).notNull()
                table.column("read_at", .double).notNull()
            }
        }
    }
}

/// The pull-request states the review keeps between builds, so it reads GitHub at most once an hour per pull
/// request and still shows the last known state when GitHub cannot be reached.
public struct SQLitePullRequestStateStore: PullRequestStateStore {
    public let database: FixloopDatabase

    public init(database: FixloopDatabase) { self.database = database }

    /// The last state read for `url`, or nil when it was never read.
    public func state(url: String) throws -> PullRequestState? {
        try wrap("read") {
            try database.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT state, read_at FROM pull_request_state WHERE url = ?", arguments: [url]).map {
                    PullRequestState(url: url, state: $0["state"], readAt: Date(timeIntervalSince1970: $0["read_at"]))
                }
            }
        }
    }

    /// Keeps `state` as the newest known for its pull request.
    public func save(_ state: PullRequestState) throws {
        try wrap("write") {
            try database.pool.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO pull_request_state (url, state, read_at) VALUES (?, ?, ?)",
                               arguments: [state.url, state.state, state.readAt.timeIntervalSince1970])
            }
        }
    }

    private func wrap<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError(operation: operation, path: database.pool.path, resultCode: error.resultCode.rawValue)
        }
    }
}
