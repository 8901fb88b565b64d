import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// GitHub's REST API over URLSession: issues, comments, pull requests, repositories, permissions.
///
/// Rate limits are waited out: a 429 or a 403 with `Retry-After` (secondary limit) or with
/// `x-ratelimit-remaining: 0` sleeps until the reset, within ``maxWait``, then retries (up to ``maxAttempts``).
/// 5xx and connection failures are retried with backoff. The token goes only into the `Authorization` header.
public struct GitHubClient: Sendable {
    /// `GITHUB_API_URL`, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`.
    public let baseURL: URL
    let token: Secret?
    let session: URLSession
    /// When to try again (``RetryPolicy/trackerAPI``: a rate limit waited out as GitHub names it); tests set its sleep.
    public var retry = RetryPolicy.trackerAPI

    /// - Parameters:
    ///   - baseURL: the API root (`GITHUB_API_URL`).
    ///   - token: `GITHUB_TOKEN` or an installation token.
    public init(baseURL: URL = URL(string: "https://api.github.com")!, token: Secret?, session: URLSession = .shared) {
        self.baseURL = baseURL
        self.token = token
        self.session = session
    }

    // MARK: Issues and comments

    public func issue(_ owner: String, _ name: String, number: Int) async throws -> GitHubIssue {
        try await send("GET", "/repos/\(owner)/\(name)/issues/\(number)")
    }

    /// One page (100 at most) of a repository's issues, pull requests included, newest first.
    public func issues(_ owner: String, _ name: String, labels: [String] = [], state: String = "all", page: Int = 1) async throws -> [GitHubIssue] {
        var query = [URLQueryItem(name: "state", value: state), URLQueryItem(name: "per_page", value: "100")]
        if page > 1 { query.append(URLQueryItem(name: "page", value: String(page))) }
        if !labels.isEmpty { query.append(URLQueryItem(name: "labels", value: labels.joined(separator: ","))) }
        return try await send("GET", "/repos/\(owner)/\(name)/issues", query: query)
    }

    public func createIssue(_ owner: String, _ name: String, title: String, body: String, labels: [String]) async throws -> GitHubIssue {
        try await send("POST", "/repos/\(owner)/\(name)/issues", body: ["title": .string(title), "body": .string(body), "labels": .array(labels.map { JSONValue.string($0) })])
    }

    public func comments(_ owner: String, _ name: String, issue: Int) async throws -> [GitHubComment] {
        try await send("GET", "/repos/\(owner)/\(name)/issues/\(issue)/comments", query: [URLQueryItem(name: "per_page", value: "100")])
    }

    public func createComment(_ owner: String, _ name: String, issue: Int, body: String) async throws -> GitHubComment {
        try await send("POST", "/repos/\(owner)/\(name)/issues/\(issue)/comments", body: ["body": .string(body)])
    }

    public func updateComment(_ owner: String, _ name: String, id: Int, body: String) async throws -> GitHubComment {
        try await send("PATCH", "/repos/\(owner)/\(name)/issues/comments/\(id)", body: ["body": .string(body)])
    }

    /// `PATCH /repos/{owner}/{name}/issues/{issue}` with `state`: `open` reopens a closed issue, `closed` closes it.
    @discardableResult
    public func setIssueState(_ owner: String, _ name: String, issue: Int, state: String) async throws -> GitHubIssue {
        try await send("PATCH", "/repos/\(owner)/\(name)/issues/\(issue)", body: ["state": .string(state)])
    }

    /// `POST /repos/{owner}/{name}/issues/{issue}/labels` (a pull request's labels are its issue's).
    public func addLabels(_ owner: String, _ name: String, issue: Int, labels: [String]) async throws -> [GitHubLabel] {
        try await send("POST", "/repos/\(owner)/\(name)/issues/\(issue)/labels", body: ["labels": .array(labels.map { .string($0) })])
    }

    // MARK: Pull requests and repositories

    public func repository(_ owner: String, _ name: String) async throws -> GitHubRepository {
        try await send("GET", "/repos/\(owner)/\(name)")
    }

    /// Open pull requests whose head is `headOwner:branch`.
    public func pullRequests(_ owner: String, _ name: String, head: String, state: String = "open") async throws -> [GitHubPullRequest] {
        try await send("GET", "/repos/\(owner)/\(name)/pulls", query: [URLQueryItem(name: "head", value: head), URLQueryItem(name: "state", value: state)])
    }

    /// The first 100 open pull requests into `base`.
    public func openPullRequests(_ owner: String, _ name: String, base: String) async throws -> [GitHubPullRequest] {
        try await send("GET", "/repos/\(owner)/\(name)/pulls", query: [
            URLQueryItem(name: "base", value: base), URLQueryItem(name: "state", value: "open"), URLQueryItem(name: "per_page", value: "100"),
        ])
    }

    public func pullRequest(_ owner: String, _ name: String, number: Int) async throws -> GitHubPullRequest {
        try await send("GET", "/repos/\(owner)/\(name)/pulls/\(number)")
    }

    /// The first 100 review comments on a pull request's lines, oldest first.
    public func reviewComments(_ owner: String, _ name: String, pullRequest: Int) async throws -> [GitHubReviewComment] {
        try await send("GET", "/repos/\(owner)/\(name)/pulls/\(pullRequest)/comments", query: [URLQueryItem(name: "per_page", value: "100")])
    }

    public func createPullRequest(
        _ owner: String, _ name: String, title: String, body: String, head: String, base: String, draft: Bool
    ) async throws -> GitHubPullRequest {
        try await send("POST", "/repos/\(owner)/\(name)/pulls", body: [
            "title": .string(title), "body": .string(body), "head": .string(head), "base": .string(base), "draft": .bool(draft),
        ])
    }

    public func updatePullRequest(_ owner: String, _ name: String, number: Int, title: String, body: String) async throws -> GitHubPullRequest {
        try await send("PATCH", "/repos/\(owner)/\(name)/pulls/\(number)", body: ["title": .string(title), "body": .string(body)])
    }

    /// `admin`, `maintain`, `write`, `triage`, `read` or `none`.
    public func permission(_ owner: String, _ name: String, user: String) async throws -> String {
        struct Answer: Decodable { var permission: String }
        let answer: Answer = try await send("GET", "/repos/\(owner)/\(name)/collaborators/\(user)/permission")
        return answer.permission
    }
}
