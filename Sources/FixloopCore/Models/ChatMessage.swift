/// Who said a message in a conversation with a model.
public enum ChatRole: String, Sendable, Hashable, Codable {
    /// Instructions that frame the conversation.
    case system
    /// The person or program asking.
    case user
    /// The model.
    case assistant
    /// The result of a tool call the model asked for.
    case tool
}

/// One message of a conversation, in a shape both wire protocols can carry.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who said it.
    public var role: ChatRole
    /// The text; empty for an assistant message that only calls tools.
    public var content: String
    /// The tools an assistant message asks to run, in order.
    public var toolCalls: [ToolCall]
    /// For a `tool` message, the id of the call it answers.
    public var toolCallID: String?

    /// Makes a message.
    /// - Parameters:
    ///   - role: who said it.
    ///   - content: the text.
    ///   - toolCalls: for assistant messages, the tool calls.
    ///   - toolCallID: for tool messages, the call answered.
    public init(role: ChatRole, content: String, toolCalls: [ToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    /// A system message.
    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: text) }
    /// A user message.
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
    /// An assistant message, optionally with tool calls.
    public static func assistant(_ text: String, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: text, toolCalls: toolCalls)
    }
    /// The result of the tool call `id`.
    public static func toolResult(id: String, _ text: String) -> ChatMessage {
        ChatMessage(role: .tool, content: text, toolCallID: id)
    }
}
