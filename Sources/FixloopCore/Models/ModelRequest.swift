/// What a caller asks of a model: the conversation, the tools, and limits on the answer.
public struct ModelRequest: Sendable, Hashable, Codable {
    /// The kind of answer wanted.
    public enum ResponseFormat: Sendable, Hashable, Codable {
        /// Free text (and tool calls when tools are given).
        case text
        /// One JSON value matching the schema.
        case jsonSchema(name: String, schema: JSONValue)
    }

    /// The conversation so far, oldest first.
    public var messages: [ChatMessage]
    /// The tools the model may call; empty for plain text.
    public var tools: [ToolDefinition]
    /// The most tokens the answer may have.
    public var maxOutputTokens: Int
    /// Sampling temperature, or nil for the provider's default.
    public var temperature: Double?
    /// Text or JSON matching a schema.
    public var responseFormat: ResponseFormat

    /// Makes a request.
    /// - Parameters:
    ///   - messages: the conversation.
    ///   - tools: tool definitions.
    ///   - maxOutputTokens: the answer's token limit.
    ///   - temperature: sampling temperature.
    ///   - responseFormat: text or a JSON schema.
    public init(
        messages: [ChatMessage], tools: [ToolDefinition] = [], maxOutputTokens: Int = 4096,
        temperature: Double? = nil, responseFormat: ResponseFormat = .text
    ) {
        self.messages = messages
        self.tools = tools
        self.maxOutputTokens = maxOutputTokens
        self.temperature = temperature
        self.responseFormat = responseFormat
    }

    /// A rough count of the input tokens (four characters per token), for budgets and rate limits before the call.
    public var estimatedInputTokens: Int {
        var characters = 0
        for message in messages {
            characters += message.content.count + 8
            for call in message.toolCalls { characters += call.name.count + call.argumentsText.count + 8 }
        }
        for tool in tools { characters += tool.name.count + tool.description.count + tool.parameters.jsonText.count }
        return characters / 4 + 1
    }
}
