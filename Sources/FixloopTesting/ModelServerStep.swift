import FixloopCore
import Foundation

/// A tool call a loopback model server answers with.
public struct ScriptedToolCall: Sendable, Hashable {
    /// The call id.
    public var id: String
    /// The tool name.
    public var name: String
    /// The arguments as JSON.
    public var arguments: JSONValue

    /// Makes a scripted call.
    public init(id: String, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// What a loopback model server does with the next request it receives.
public enum ModelServerStep: Sendable, Hashable {
    /// A normal reply with text.
    /// `cacheWriteTokens` is reported by the Anthropic protocol only (OpenAI has no such field).
    case text(String, inputTokens: Int = 12, outputTokens: Int = 4, cachedTokens: Int = 0, cacheWriteTokens: Int = 0)
    /// A reply that calls tools (several per reply allowed), with optional text before.
    case toolCalls([ScriptedToolCall], text: String = "", inputTokens: Int = 12, outputTokens: Int = 8)
    /// An error status with the protocol's error body; `retryAfter` becomes the `Retry-After` header.
    case status(Int, retryAfter: String? = nil, message: String = "scripted error")
    /// A normal text reply carrying extra response headers (rate-limit headers).
    case textWithHeaders(String, headers: [String: String])
    /// No answer for this long (past the client's timeout).
    case hang(Duration)
    /// A 200 whose body is not JSON.
    case malformedJSON
    /// A 200 whose body stops half way and whose connection closes.
    case truncatedBody
    /// A 200 whose body echoes the text of every key-like header, to prove clients redact what servers echo.
    case echoAuthorization(status: Int)
    /// The step, answered only after this long (a model's latency).
    indirect case after(Duration, ModelServerStep)
}

/// A request a loopback model server received.
public struct ReceivedModelRequest: Sendable {
    /// The path asked for.
    public var path: String
    /// The headers, names lowercased.
    public var headers: [String: String]
    /// The JSON body (null when it was not JSON).
    public var body: JSONValue
    /// When it arrived.
    public var receivedAt: ContinuousClock.Instant
}
