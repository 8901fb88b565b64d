import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Builds the client a spec names, with the process's shared limiter; used by the CLI and the server.
public struct ModelClientFactory: Sendable {
    /// Base URLs and keys.
    public var endpoints: ModelEndpoints
    /// The `[models]` table.
    public var settings: ModelSettings
    /// The process's shared rate limiter.
    public var limiter: RateLimiter?
    /// The retry policy (from `settings` unless replaced, as tests do).
    public var retry: RetryPolicy
    /// The URL session shared by every client.
    public var session: URLSession

    /// Makes a factory.
    public init(endpoints: ModelEndpoints, settings: ModelSettings, limiter: RateLimiter?,
                retry: RetryPolicy? = nil, session: URLSession = .shared) {
        self.endpoints = endpoints
        self.settings = settings
        self.limiter = limiter
        self.retry = retry ?? RetryPolicy(settings: settings)
        self.session = session
    }

    /// The client for `spec`, undecorated.
    /// - Throws: ``ModelError`` of kind `configuration` when a public API has no key or a replay file is unreadable.
    public func client(for spec: ModelSpec) throws -> any ModelClient {
        let timeout = Duration.seconds(settings.timeoutSeconds)
        switch spec.provider {
        case .openai:
            if endpoints.openAI.apiKey == nil, endpoints.openAI.baseURL == ModelEndpoint.openAIDefaultBaseURL {
                throw missingKey(spec, variable: "OPENAI_API_KEY", base: "OPENAI_BASE_URL")
            }
            return OpenAICompatibleModelClient(
                model: spec.name, endpoint: endpoints.openAI, retry: retry, timeout: timeout, limiter: limiter, session: session)
        case .anthropic:
            if endpoints.anthropic.apiKey == nil, endpoints.anthropic.baseURL == ModelEndpoint.anthropicDefaultBaseURL {
                throw missingKey(spec, variable: "ANTHROPIC_API_KEY", base: "ANTHROPIC_BASE_URL")
            }
            return AnthropicModelClient(
                model: spec.name, endpoint: endpoints.anthropic, retry: retry, timeout: timeout, limiter: limiter, session: session)
        case .replay:
            return try ReplayModelClient(url: URL(fileURLWithPath: spec.name))
        }
    }

    func missingKey(_ spec: ModelSpec, variable: String, base: String) -> ModelError {
        ModelError(kind: .configuration, model: spec.description,
                   detail: "\(variable) is not set; set it, or point \(base) at a server that needs no key")
    }
}
