import FixloopCore
import FixloopGitHub
import FixloopStore
import Foundation

/// Where the review asks a pull request's state: GitHub in production.
protocol PullRequestStateSource: Sendable {
    /// `draft`, `open`, `merged` or `closed`; nil when `url` is not a pull request this source knows.
    func state(of url: String) async throws -> String?
}

/// Reads a pull request's state through GitHub's REST API (`GET /repos/{o}/{r}/pulls/{n}`), from its page's URL
/// (`https://github.com/o/r/pull/7`, or a GitHub Enterprise server's).
struct GitHubPullRequestStates: PullRequestStateSource {
    var client: GitHubClient

    /// `client` asked once, for at most ten seconds: a review is not held up by an unreachable GitHub.
    init(client: GitHubClient) {
        var client = client
        client.retry.maxAttempts = 2
        client.retry.initialDelay = .milliseconds(200)
        client.retry.maxDelay = .seconds(1)
        client.retry.longestServerWait = .seconds(1)
        client.retry.deadline = .seconds(10)
        self.client = client
    }

    func state(of url: String) async throws -> String? {
        guard let (owner, name, number) = Self.parse(url) else { return nil }
        return try await client.pullRequest(owner, name, number: number).displayState
    }

    /// `(owner, name, number)` of `https://HOST/OWNER/NAME/pull/N`, else nil.
    static func parse(_ url: String) -> (String, String, Int)? {
        guard let components = URL(string: url), ["https", "http"].contains(components.scheme ?? "") else { return nil }
        let parts = components.path.split(separator: "/").map(String.init)
        guard parts.count == 4, parts[2] == "pull", let number = Int(parts[3]), number > 0 else { return nil }
        return (parts[0], parts[1], number)
    }
}

/// The review's pull-request states: the store's copy while it is younger than ``maxAge``, else read again from the
/// source and kept; when the source cannot answer (offline, unauthenticated, rate-limited) the last known state with
/// the time it was read, and never a failure.
struct PullRequestStateCache: Sendable {
    let store: any PullRequestStateStore
    let source: (any PullRequestStateSource)?
    /// How long a state read from GitHub is trusted before it is read again.
    var maxAge: TimeInterval = 3600

    /// What the review shows for `url`: the state, when it was read, and whether that is older news than `now`
    /// because the source could not be asked; nil when nothing is known.
    func state(of url: String, now: Date) async -> (state: String, readAt: Date, lastKnown: Bool)? {
        let cached = try? await store.state(url: url)
        if let cached, now.timeIntervalSince(cached.readAt) < maxAge { return (cached.state, cached.readAt, false) }
        if let source, let fresh = try? await source.state(of: url) {
            try? await store.save(PullRequestState(url: url, state: fresh, readAt: now))
            return (fresh, now, false)
        }
        return cached.map { ($0.state, $0.readAt, true) }
    }
}
