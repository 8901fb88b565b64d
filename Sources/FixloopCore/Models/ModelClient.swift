/// The role every layer talks to a language model through.
///
/// Implementations say how: `OpenAICompatibleModelClient`, `AnthropicModelClient`, `ReplayModelClient`, and the
/// decorators `BudgetedModelClient` and `RecordingModelClient`. Transport failures throw the models module's
/// error; a call refused by a budget is an ``ModelOutcome/refused(_:)`` value.
public protocol ModelClient: Sendable {
    /// The model this client talks to, as a spec (`openai:gpt-4o-mini`).
    var spec: ModelSpec { get }

    /// Sends the conversation and returns the model's reply or a refusal.
    /// - Parameter request: the conversation, tools and limits.
    /// - Returns: the reply, or a refusal made before any call.
    /// - Throws: the models module's error when the call failed after its retries.
    func send(_ request: ModelRequest) async throws -> ModelOutcome
}
