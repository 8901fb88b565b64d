extension ModelPrice {
    /// The share of the list price a token costs through a batch interface when the table gives no batch price:
    /// both OpenAI and Anthropic charge half.
    public static let defaultBatchShare = 0.5

    /// The cost of `usage` in US dollars through the provider's batch interface: `batch_input` and `batch_output`
    /// (else half the list price); cached input and cache writes at their own prices scaled by the same share as
    /// the input.
    public func batchCost(of usage: TokenUsage) -> Double {
        if free { return 0 }
        let input = batchInputPerMillion ?? inputPerMillion * Self.defaultBatchShare
        let output = batchOutputPerMillion ?? outputPerMillion * Self.defaultBatchShare
        let share = inputPerMillion > 0 ? input / inputPerMillion : Self.defaultBatchShare
        return (Double(usage.inputTokens) * input + Double(usage.outputTokens) * output
            + Double(usage.cachedInputTokens) * cachedPerMillion * share
            + Double(usage.cacheWriteInputTokens) * (cacheWritePerMillion ?? inputPerMillion) * share) / 1_000_000
    }
}
