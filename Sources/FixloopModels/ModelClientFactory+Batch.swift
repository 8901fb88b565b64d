import FixloopCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension ModelClientFactory {
    /// The batch client for `spec`'s provider, with the same endpoint, key and retries as its direct client.
    /// - Throws: ``ModelError`` of kind `configuration` when a public API has no key or the provider has no batch
    ///   interface (`replay:`).
    public func batchClient(for spec: ModelSpec) throws -> any BatchClient {
        switch spec.provider {
        case .openai:
            if endpoints.openAI.apiKey == nil, endpoints.openAI.baseURL == ModelEndpoint.openAIDefaultBaseURL {
                throw missingKey(spec, variable: "OPENAI_API_KEY", base: "OPENAI_BASE_URL")
            }
            return OpenAIBatchClient(model: spec.name, endpoint: endpoints.openAI, retry: retry, session: session)
        case .anthropic:
            if endpoints.anthropic.apiKey == nil, endpoints.anthropic.baseURL == ModelEndpoint.anthropicDefaultBaseURL {
                throw missingKey(spec, variable: "ANTHROPIC_API_KEY", base: "ANTHROPIC_BASE_URL")
            }
            return AnthropicBatchClient(model: spec.name, endpoint: endpoints.anthropic, retry: retry, session: session)
        case .replay:
            throw ModelError(kind: .configuration, model: spec.description,
                             detail: "a replayed transcript has no batch interface; grade it without --batch")
        }
    }
}
