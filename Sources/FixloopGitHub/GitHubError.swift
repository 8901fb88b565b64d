import FixloopCore

/// A GitHub API call that failed, with the HTTP status and what to check.
public struct GitHubError: FixloopError, Equatable {
    public enum Kind: String, Sendable {
        case unauthorized, forbidden
        case notFound = "not_found"
        case validation
        case rateLimited = "rate_limited"
        case server, transport, decoding, configuration
    }

    public let kind: Kind
    /// The HTTP status, when the server answered.
    public let status: Int?
    public let message: String

    public init(_ kind: Kind, status: Int?, _ message: String) {
        self.kind = kind
        self.status = status
        self.message = message
    }

    public var code: String { "github.\(kind.rawValue)" }

    /// Whether the same request may succeed later.
    public var isRetryable: Bool { kind == .rateLimited || kind == .server || kind == .transport }

    static func from(status: Int, method: String, path: String, serverMessage: String?) -> GitHubError {
        let said = serverMessage.map { " (GitHub said: \($0.prefix(200)))" } ?? ""
        let what = "\(method) \(path) answered \(status)\(said)"
        switch status {
        case 401: return GitHubError(.unauthorized, status: status, "\(what); check that GITHUB_TOKEN is set and valid.")
        case 403: return GitHubError(.forbidden, status: status, "\(what); check that the token has the needed permissions (issues, pull requests, contents).")
        case 404: return GitHubError(.notFound, status: status, "\(what); check the owner/name and that the token can see the repository.")
        case 422: return GitHubError(.validation, status: status, "\(what); the request was refused as invalid.")
        case 429: return GitHubError(.rateLimited, status: status, "\(what); the rate limit held after waiting, try again later.")
        case 500...: return GitHubError(.server, status: status, "\(what); GitHub had a server error, try again later.")
        default: return GitHubError(.validation, status: status, "\(what).")
        }
    }
}
