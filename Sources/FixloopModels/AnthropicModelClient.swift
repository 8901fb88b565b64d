import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client for Anthropic's Messages API.
///
/// The system messages become the `system` field; tool results become `tool_result` blocks in a user turn
/// (consecutive ones merged, as the API requires); `tool_use` blocks come back as ``ToolCall``s.
public struct AnthropicModelClient: ModelClient {
    /// The `anthropic-version` header sent.
    public static let apiVersion = "2023-06-01"

    public let spec: ModelSpec
    let transport: ModelHTTPTransport

    /// Makes a client.
    /// - Parameters:
    ///   - model: the model name (`claude-sonnet-4-5`).
    ///   - endpoint: the base URL (without `/v1`) and the key.
    ///   - retry: when to try again.
    ///   - timeout: how long one attempt may take.
    ///   - limiter: the process's shared rate limiter, if any.
    ///   - session: the URL session; one per process is enough.
    public init(
        model: String, endpoint: ModelEndpoint, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(120),
        limiter: RateLimiter? = nil, session: URLSession = .shared
    ) {
        spec = ModelSpec(provider: .anthropic, name: model)
        transport = ModelHTTPTransport(
            spec: spec, endpoint: endpoint, session: session, retry: retry, timeout: timeout, limiter: limiter)
    }

    public func send(_ request: ModelRequest) async throws -> ModelOutcome {
        var headers = ["anthropic-version": Self.apiVersion]
        if let key = transport.endpoint.apiKey { headers["x-api-key"] = key.reveal() }
        let estimate = request.estimatedInputTokens + request.maxOutputTokens
        let json = try await transport.post(
            path: "/v1/messages", headers: headers, body: body(for: request), estimatedTokens: estimate,
            usedTokens: { ($0["usage"]?["input_tokens"]?.intValue ?? 0) + ($0["usage"]?["output_tokens"]?.intValue ?? 0) })
        let reply = try parseReply(json)
        return .reply(reply)
    }

    /// The Messages request body.
    func body(for request: ModelRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(spec.name),
            "max_tokens": .integer(request.maxOutputTokens),
            "messages": .array(Self.wireTurns(request.messages)),
        ]
        let system = request.messages.filter { $0.role == .system }.map(\.content).joined(separator: "\n\n")
        // The system prompt is the stable part of every request (tools and system are cached before messages), so
        // it carries the prompt-cache breakpoint; a prefix below the model's minimum is simply not cached.
        if !system.isEmpty {
            body["system"] = [["type": "text", "text": .string(system), "cache_control": ["type": "ephemeral"]]]
        }
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map { tool in
                ["name": .string(tool.name), "description": .string(tool.description), "input_schema": tool.parameters]
            })
        }
        return .object(body)
    }

    /// User and assistant turns with content blocks; consecutive turns of one role merged.
    static func wireTurns(_ messages: [ChatMessage]) -> [JSONValue] {
        var turns: [(role: String, blocks: [JSONValue])] = []
        for message in messages where message.role != .system {
            let role = message.role == .assistant ? "assistant" : "user"
            var blocks: [JSONValue] = []
            switch message.role {
            case .tool:
                blocks.append(["type": "tool_result", "tool_use_id": .string(message.toolCallID ?? ""),
                               "content": .string(message.content)])
            case .assistant:
                if !message.content.isEmpty { blocks.append(["type": "text", "text": .string(message.content)]) }
                for call in message.toolCalls {
                    blocks.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name),
                                   "input": call.arguments ?? [:]])
                }
            default:
                blocks.append(["type": "text", "text": .string(message.content)])
            }
            if let last = turns.last, last.role == role {
                turns[turns.count - 1].blocks += blocks
            } else {
                turns.append((role, blocks))
            }
        }
        // In a conversation (the engineer's loop) the newest block is a second breakpoint: the next turn reads all
        // of this one's prefix from the cache and pays full price only for what it adds.
        if turns.count > 1, var block = turns[turns.count - 1].blocks.last?.objectValue {
            block["cache_control"] = ["type": "ephemeral"]
            turns[turns.count - 1].blocks[turns[turns.count - 1].blocks.count - 1] = .object(block)
        }
        return turns.map { ["role": .string($0.role), "content": .array($0.blocks)] }
    }

    /// The reply from a Messages response body.
    func parseReply(_ json: JSONValue) throws -> ModelReply {
        guard let blocks = json["content"]?.arrayValue else {
            throw ModelError(kind: .malformedReply, model: spec.description, baseURL: transport.endpoint.baseURLText,
                             status: 200, detail: "the reply is not a message because it has no content array")
        }
        var text: [String] = []
        var calls: [ToolCall] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text": text.append(block["text"]?.stringValue ?? "")
            case "tool_use":
                calls.append(ToolCall(
                    id: block["id"]?.stringValue ?? "toolu_\(calls.count)", name: block["name"]?.stringValue ?? "",
                    argumentsText: (block["input"] ?? [:]).jsonText))
            default: continue
            }
        }
        let usage = json["usage"]
        let stop: StopReason
        switch json["stop_reason"]?.stringValue {
        case "end_turn", "stop_sequence", nil: stop = .endTurn
        case "tool_use": stop = .toolUse
        case "max_tokens": stop = .maxTokens
        case let other?: stop = .other(other)
        }
        return ModelReply(
            message: .assistant(text.joined(), toolCalls: calls), stopReason: stop,
            usage: TokenUsage(
                inputTokens: usage?["input_tokens"]?.intValue ?? 0, outputTokens: usage?["output_tokens"]?.intValue ?? 0,
                cachedInputTokens: usage?["cache_read_input_tokens"]?.intValue ?? 0,
                cacheWriteInputTokens: usage?["cache_creation_input_tokens"]?.intValue ?? 0),
            model: json["model"]?.stringValue ?? spec.name)
    }
}
