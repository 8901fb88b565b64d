import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client for any server that speaks OpenAI's Chat Completions: OpenAI, vLLM, Ollama, llama.cpp server,
/// OpenRouter, LM Studio.
///
/// Tools go out as `function` tools and come back as `tool_calls` (several per reply); models without tool
/// support still answer in plain text. A JSON-schema response format becomes `response_format: json_schema`.
public struct OpenAICompatibleModelClient: ModelClient {
    public let spec: ModelSpec
    let transport: ModelHTTPTransport

    /// Makes a client.
    /// - Parameters:
    ///   - model: the model name the server knows (`gpt-4o-mini`, `llama3.1:8b`).
    ///   - endpoint: the base URL (`…/v1`) and the key, if the server needs one.
    ///   - retry: when to try again.
    ///   - timeout: how long one attempt may take.
    ///   - limiter: the process's shared rate limiter, if any.
    ///   - session: the URL session; one per process is enough.
    public init(
        model: String, endpoint: ModelEndpoint, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(120),
        limiter: RateLimiter? = nil, session: URLSession = .shared
    ) {
        spec = ModelSpec(provider: .openai, name: model)
        transport = ModelHTTPTransport(
            spec: spec, endpoint: endpoint, session: session, retry: retry, timeout: timeout, limiter: limiter)
    }

    public func send(_ request: ModelRequest) async throws -> ModelOutcome {
        var headers: [String: String] = [:]
        if let key = transport.endpoint.apiKey { headers["Authorization"] = "Bearer \(key.reveal())" }
        let estimate = request.estimatedInputTokens + request.maxOutputTokens
        let json = try await transport.post(
            path: "/chat/completions", headers: headers, body: body(for: request), estimatedTokens: estimate,
            usedTokens: { $0["usage"]?["total_tokens"]?.intValue ?? estimate })
        let reply = try parseReply(json)
        return .reply(reply)
    }

    /// The Chat Completions request body.
    func body(for request: ModelRequest) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(spec.name),
            "messages": .array(request.messages.map(Self.wireMessage)),
        ]
        // OpenAI's own API wants max_completion_tokens (reasoning models refuse max_tokens); compatible servers
        // mostly know only max_tokens.
        let isOpenAI = transport.endpoint.baseURL.host?.hasSuffix("openai.com") ?? false
        body[isOpenAI ? "max_completion_tokens" : "max_tokens"] = .integer(request.maxOutputTokens)
        if let temperature = request.temperature { body["temperature"] = .number(temperature) }
        if !request.tools.isEmpty {
            body["tools"] = .array(request.tools.map { tool in
                ["type": "function",
                 "function": ["name": .string(tool.name), "description": .string(tool.description), "parameters": tool.parameters]]
            })
        }
        if case .jsonSchema(let name, let schema) = request.responseFormat {
            body["response_format"] = ["type": "json_schema", "json_schema": ["name": .string(name), "schema": schema]]
        }
        return .object(body)
    }

    static func wireMessage(_ message: ChatMessage) -> JSONValue {
        var wire: [String: JSONValue] = ["role": .string(message.role.rawValue), "content": .string(message.content)]
        if message.role == .assistant, !message.toolCalls.isEmpty {
            if message.content.isEmpty { wire["content"] = .null }
            wire["tool_calls"] = .array(message.toolCalls.map { call in
                ["id": .string(call.id), "type": "function",
                 "function": ["name": .string(call.name), "arguments": .string(call.argumentsText)]]
            })
        }
        if let id = message.toolCallID { wire["tool_call_id"] = .string(id) }
        return .object(wire)
    }

    /// The reply from a Chat Completions response body.
    func parseReply(_ json: JSONValue) throws -> ModelReply {
        guard let choice = json["choices"]?[0], let message = choice["message"] else {
            throw malformed("it has no choices[0].message")
        }
        var calls: [ToolCall] = []
        for (index, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
            guard let function = call["function"], let name = function["name"]?.stringValue else {
                throw malformed("tool_calls[\(index)] has no function name")
            }
            let arguments = function["arguments"]?.stringValue ?? function["arguments"]?.jsonText ?? "{}"
            calls.append(ToolCall(id: call["id"]?.stringValue ?? "call_\(index)", name: name, argumentsText: arguments))
        }
        let usage = json["usage"]
        let prompt = usage?["prompt_tokens"]?.intValue ?? 0
        let cached = usage?["prompt_tokens_details"]?["cached_tokens"]?.intValue ?? 0
        let stop: StopReason
        switch choice["finish_reason"]?.stringValue {
        case "stop", nil: stop = calls.isEmpty ? .endTurn : .toolUse
        case "tool_calls", "function_call": stop = .toolUse
        case "length": stop = .maxTokens
        case let other?: stop = .other(other)
        }
        return ModelReply(
            message: .assistant(message["content"]?.stringValue ?? "", toolCalls: calls),
            stopReason: stop,
            usage: TokenUsage(
                inputTokens: max(0, prompt - cached), outputTokens: usage?["completion_tokens"]?.intValue ?? 0,
                cachedInputTokens: cached),
            model: json["model"]?.stringValue ?? spec.name)
    }

    private func malformed(_ detail: String) -> ModelError {
        ModelError(kind: .malformedReply, model: spec.description, baseURL: transport.endpoint.baseURLText,
                   status: 200, detail: "the reply is not a chat completion because \(detail)")
    }
}
