import FixloopCore

/// A model call that failed, classified so callers know whether trying again can help.
///
/// The message names the model, the base URL and the HTTP status, never a key: server text is redacted with
/// the client's key before it is kept, and cut to a short excerpt.
public struct ModelError: FixloopError, Equatable {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable {
        /// 429: the provider's rate limit.
        case rateLimited = "models.rate_limited"
        /// 5xx: the provider failed.
        case serverError = "models.server_error"
        /// The connection could not be made or broke.
        case connection = "models.connection"
        /// No answer within the timeout.
        case timeout = "models.timeout"
        /// 401 or 403: the key is missing, wrong or lacks access.
        case unauthorized = "models.unauthorized"
        /// 404: the model or the endpoint does not exist at this base URL.
        case notFound = "models.not_found"
        /// Another 4xx: the request was refused.
        case badRequest = "models.bad_request"
        /// A 2xx whose body is not the protocol's JSON.
        case malformedReply = "models.malformed_reply"
        /// The configuration cannot make a client (no key, bad base URL, unreadable replay file).
        case configuration = "models.configuration"
        /// A replayed conversation departed from its recording, or ran past its end.
        case replayDiverged = "models.replay_diverged"
    }

    /// What went wrong.
    public var kind: Kind
    /// The model spec (`openai:gpt-4o-mini`).
    public var model: String
    /// The base URL asked, when there is one.
    public var baseURL: String?
    /// The HTTP status, when there was a response.
    public var status: Int?
    /// What happened, as a clause; redacted.
    public var detail: String
    /// Attempts made before giving up.
    public var attempts: Int

    /// Makes an error.
    public init(kind: Kind, model: String, baseURL: String? = nil, status: Int? = nil, detail: String, attempts: Int = 1) {
        self.kind = kind
        self.model = model
        self.baseURL = baseURL
        self.status = status
        self.detail = detail
        self.attempts = attempts
    }

    /// True when the same request may succeed later: rate limits, server errors, broken connections and timeouts.
    public var isRetryable: Bool {
        switch kind {
        case .rateLimited, .serverError, .connection, .timeout: return true
        default: return false
        }
    }

    public var code: String { kind.rawValue }

    /// What the user should check.
    public var hint: String {
        let base = baseURL ?? "the provider"
        switch kind {
        case .rateLimited: return "lower the concurrency or set [rate_limits] for \(model)"
        case .serverError: return "try again later or check the status of \(base)"
        case .connection: return "check that \(base) is reachable (OPENAI_BASE_URL or ANTHROPIC_BASE_URL)"
        case .timeout: return "raise models.timeout_seconds or check that \(base) is answering"
        case .unauthorized:
            let variable = model.hasPrefix("anthropic:") ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"
            return "check the key in \(variable) and its access to '\(model)' at \(base)"
        case .notFound: return "check the model name '\(model)' and the base URL \(base)"
        case .badRequest: return "check the model name '\(model)', its context length and the base URL \(base)"
        case .malformedReply: return "check that \(base) speaks the protocol of '\(model)'"
        case .configuration: return "fix the configuration and run again"
        case .replayDiverged: return "record the conversation again with --record"
        }
    }

    public var message: String {
        let statusText = status.map { " (HTTP \($0))" } ?? ""
        let attemptsText = attempts > 1 ? " after \(attempts) attempts" : ""
        return "The call to \(model)\(statusText) failed\(attemptsText): \(detail); \(hint)."
    }
}
