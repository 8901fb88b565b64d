import FixloopCore
import Foundation

/// Where a provider is reached and the key it is given.
public struct ModelEndpoint: Sendable {
    /// The base URL: `https://api.openai.com/v1` style for OpenAI-compatible servers (the client appends
    /// `/chat/completions`), `https://api.anthropic.com` for Anthropic (the client appends `/v1/messages`).
    public var baseURL: URL
    /// The API key; nil for local servers that need none.
    public var apiKey: Secret?

    /// Makes an endpoint.
    public init(baseURL: URL, apiKey: Secret? = nil) {
        self.baseURL = baseURL
        self.apiKey = apiKey
    }

    /// OpenAI's public API.
    public static let openAIDefaultBaseURL = URL(string: "https://api.openai.com/v1")!
    /// Anthropic's public API.
    public static let anthropicDefaultBaseURL = URL(string: "https://api.anthropic.com")!

    /// The base URL as text without a trailing slash, for messages (it never carries a key).
    public var baseURLText: String {
        var text = baseURL.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// The URL of `path` under the base URL.
    func url(appending path: String) -> URL {
        URL(string: baseURLText + path) ?? baseURL
    }
}

/// The endpoints for every provider, read from the environment by the caller at the edge:
/// `OPENAI_BASE_URL`, `OPENAI_API_KEY`, `ANTHROPIC_BASE_URL`, `ANTHROPIC_API_KEY`.
public struct ModelEndpoints: Sendable {
    /// The OpenAI-compatible endpoint.
    public var openAI: ModelEndpoint
    /// The Anthropic endpoint.
    public var anthropic: ModelEndpoint

    /// Makes the endpoints.
    public init(openAI: ModelEndpoint, anthropic: ModelEndpoint) {
        self.openAI = openAI
        self.anthropic = anthropic
    }

    /// The endpoints from the base URLs and keys the edge read (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`; nil or empty
    /// for the providers' own).
    /// - Throws: ``ModelError`` of kind `configuration` when a base URL is not an http(s) URL or carries credentials.
    public init(openAIBaseURL: String?, openAIKey: Secret?, anthropicBaseURL: String?, anthropicKey: Secret?) throws {
        openAI = ModelEndpoint(
            baseURL: try Self.baseURL(openAIBaseURL, variable: "OPENAI_BASE_URL", default: ModelEndpoint.openAIDefaultBaseURL),
            apiKey: openAIKey)
        anthropic = ModelEndpoint(
            baseURL: try Self.baseURL(anthropicBaseURL, variable: "ANTHROPIC_BASE_URL", default: ModelEndpoint.anthropicDefaultBaseURL),
            apiKey: anthropicKey)
    }

    /// Every key, for redacting text that might contain one.
    public var secrets: [Secret] { [openAI.apiKey, anthropic.apiKey].compactMap { $0 } }

    private static func baseURL(_ text: String?, variable: String, default fallback: URL) throws -> URL {
        guard let text, !text.isEmpty else { return fallback }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false else {
            throw ModelError(kind: .configuration, model: variable, detail: "\(variable) is not an http(s) URL")
        }
        guard components.user == nil, components.password == nil, components.query == nil else {
            throw ModelError(kind: .configuration, model: variable,
                             detail: "\(variable) carries credentials or a query; put the key in the API key variable")
        }
        return components.url ?? fallback
    }
}
