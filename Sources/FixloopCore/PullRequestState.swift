import Foundation

/// A pull request's state as GitHub last told it: `draft`, `open`, `merged` or `closed`, and when it was read.
public struct PullRequestState: Sendable, Hashable, Codable {
    /// The pull request's page (`https://github.com/o/r/pull/7`).
    public var url: String
    public var state: String
    public var readAt: Date

    public init(url: String, state: String, readAt: Date) {
        self.url = url
        self.state = state
        self.readAt = readAt
    }
}

/// The pull-request states the review keeps between builds (table `pull_request_state`), so it reads GitHub at most
/// once an hour per pull request and still shows the last known state when GitHub cannot be reached. SQLite
/// (`SQLitePullRequestStateStore`) or PostgreSQL (`PostgresPullRequestStateStore`, shared by every machine's review).
public protocol PullRequestStateStore: Sendable {
    /// The last state read for `url`, or nil when it was never read.
    func state(url: String) async throws -> PullRequestState?
    /// Keeps `state` as the newest known for its pull request.
    func save(_ state: PullRequestState) async throws
}
