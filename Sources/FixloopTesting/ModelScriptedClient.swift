import FixloopCore

/// A model double for agent-loop tests without HTTP: answers from a script, in order, and keeps every request.
///
/// (The file carries the `Model` prefix that testing-support files of the models layer share.)
public actor ScriptedModelClient: ModelClient {
    /// One scripted answer.
    public enum Step: Sendable {
        /// A text reply.
        case text(String, usage: TokenUsage = TokenUsage(inputTokens: 12, outputTokens: 4))
        /// A reply calling tools.
        case toolCalls([ToolCall], text: String = "", usage: TokenUsage = TokenUsage(inputTokens: 12, outputTokens: 8))
        /// A call the budget refused (no reply, no spend).
        case refused(BudgetRefusal)
        /// A failure (thrown as is).
        case failure(any Error)
    }

    public nonisolated let spec: ModelSpec
    private var steps: [Step]
    private let delay: Duration
    /// Every request received, oldest first.
    public private(set) var requests: [ModelRequest] = []

    /// Makes a scripted client.
    /// - Parameters:
    ///   - spec: the spec it claims to be (prices and budgets look it up).
    ///   - steps: the answers, in order; a call past the end throws.
    ///   - delay: how long each answer takes.
    public init(spec: ModelSpec = ModelSpec(provider: .openai, name: "test-model"), steps: [Step], delay: Duration = .zero) {
        self.spec = spec
        self.steps = steps
        self.delay = delay
    }

    /// How many calls were made.
    public var calls: Int { requests.count }

    public func send(_ request: ModelRequest) async throws -> ModelOutcome {
        requests.append(request)
        guard !steps.isEmpty else { throw ScriptExhausted(calls: requests.count) }
        let step = steps.removeFirst()
        if delay > .zero { try await Task.sleep(for: delay) }
        switch step {
        case .text(let text, let usage):
            return .reply(ModelReply(message: .assistant(text), stopReason: .endTurn, usage: usage, model: spec.name))
        case .toolCalls(let calls, let text, let usage):
            return .reply(ModelReply(message: .assistant(text, toolCalls: calls), stopReason: .toolUse, usage: usage, model: spec.name))
        case .refused(let refusal):
            return .refused(refusal)
        case .failure(let error):
            throw error
        }
    }

    /// Thrown when a test asks for more answers than it scripted.
    public struct ScriptExhausted: Error, CustomStringConvertible {
        /// The call that found the script empty.
        public let calls: Int
        public var description: String { "the scripted model has no answer for call \(calls)" }
    }
}
