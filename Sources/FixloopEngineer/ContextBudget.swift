import FixloopCore

/// Keeps an edit loop's conversation under a token budget: the oldest tool outputs and test logs are replaced by
/// a one-line note until the request fits; the system prompt, the task, the model's own messages and the newest
/// turn's outputs stay whole.
struct ContextBudget: Sendable {
    /// The most input tokens a request may carry (``ModelRequest/estimatedInputTokens``).
    let tokens: Int

    /// Half the model's context window: room for the reply and for the estimate's error.
    init(contextTokens: Int) {
        tokens = max(1_000, contextTokens / 2)
    }

    init(tokens: Int) { self.tokens = tokens }

    /// `messages` fitted to the budget.
    /// - Parameters:
    ///   - tools: the tools sent with them (they count too).
    ///   - note: the line for the output of a turn (1 for the outputs of the first reply).
    func fit(_ messages: [ChatMessage], tools: [ToolDefinition], note: (Int) throws -> String) rethrows -> [ChatMessage] {
        var estimate = ModelRequest(messages: messages, tools: tools).estimatedInputTokens
        guard estimate > tokens else { return messages }
        var messages = messages
        let latest = messages.filter { $0.role == .assistant }.count
        var turn = 0
        // The first user message is the task; outputs are the tool results and user messages after a reply.
        for index in messages.indices where estimate > tokens {
            if messages[index].role == .assistant { turn += 1 }
            guard turn > 0, turn < latest, messages[index].role == .tool || messages[index].role == .user else { continue }
            let line = try note(turn)
            guard messages[index].content.count > line.count else { continue }
            estimate -= (messages[index].content.count - line.count) / 4
            messages[index].content = line
        }
        return messages
    }
}
