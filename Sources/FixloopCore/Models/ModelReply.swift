/// Tokens a call used, as the provider reported them.
public struct TokenUsage: Sendable, Hashable, Codable {
    /// Input tokens billed at the full input price (cached ones and cache writes excluded).
    public var inputTokens: Int
    /// Output tokens.
    public var outputTokens: Int
    /// Input tokens served from the provider's prompt cache, billed at the cached price.
    public var cachedInputTokens: Int
    /// Input tokens written to the provider's prompt cache (Anthropic's `cache_creation_input_tokens`), billed at
    /// the cache-write price.
    public var cacheWriteInputTokens: Int

    /// Makes a usage record.
    public init(inputTokens: Int = 0, outputTokens: Int = 0, cachedInputTokens: Int = 0, cacheWriteInputTokens: Int = 0) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
        self.cacheWriteInputTokens = cacheWriteInputTokens
    }

    private enum CodingKeys: String, CodingKey { case inputTokens, outputTokens, cachedInputTokens, cacheWriteInputTokens }

    /// Reads a record; ones written before cache writes were counted have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try container.decode(Int.self, forKey: .inputTokens)
        outputTokens = try container.decode(Int.self, forKey: .outputTokens)
        cachedInputTokens = try container.decode(Int.self, forKey: .cachedInputTokens)
        cacheWriteInputTokens = try container.decodeIfPresent(Int.self, forKey: .cacheWriteInputTokens) ?? 0
    }

    /// Every token counted.
    public var totalTokens: Int { inputTokens + outputTokens + cachedInputTokens + cacheWriteInputTokens }

    /// Every input token, wherever it was billed.
    public var allInputTokens: Int { inputTokens + cachedInputTokens + cacheWriteInputTokens }
}

/// Why the model stopped.
public enum StopReason: Sendable, Hashable, Codable {
    /// It finished its answer.
    case endTurn
    /// It wants tools run.
    case toolUse
    /// It hit the output token limit.
    case maxTokens
    /// Anything else the provider said.
    case other(String)
}

/// A model's answer with its usage.
public struct ModelReply: Sendable, Hashable, Codable {
    /// The assistant message: text and tool calls.
    public var message: ChatMessage
    /// Why it stopped.
    public var stopReason: StopReason
    /// Tokens used.
    public var usage: TokenUsage
    /// The model name the provider reports having used.
    public var model: String

    /// Makes a reply.
    public init(message: ChatMessage, stopReason: StopReason, usage: TokenUsage, model: String) {
        self.message = message
        self.stopReason = stopReason
        self.usage = usage
        self.model = model
    }
}

/// The result of asking a model: its reply, or a refusal before the call was made (a budget would be crossed).
public enum ModelOutcome: Sendable, Hashable {
    /// The model answered.
    case reply(ModelReply)
    /// The call was not made.
    case refused(BudgetRefusal)

    /// The reply, or nil when the call was refused.
    public var reply: ModelReply? {
        if case .reply(let reply) = self { return reply }
        return nil
    }
}
