import FixloopCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Turns a scripted step into the HTTP response each wire protocol would send.
struct ModelWireReplies: Sendable {
    let wireProtocol: LoopbackModelServer.WireProtocol
    let model: String

    func response(for step: ModelServerStep?, headers: [String: String]) async throws -> Response {
        guard let step else { return error(500, message: "the loopback script is empty") }
        switch step {
        case .text(let text, let input, let output, let cached, let written):
            return json(textReply(text, input: input, output: output, cached: cached, written: written))
        case .textWithHeaders(let text, let extra):
            var response = json(textReply(text, input: 12, output: 4, cached: 0))
            for (name, value) in extra {
                if let field = HTTPField.Name(name) { response.headers[field] = value }
            }
            return response
        case .toolCalls(let calls, let text, let input, let output):
            return json(toolReply(calls, text: text, input: input, output: output))
        case .status(let status, let retryAfter, let message):
            var response = error(status, message: message)
            if let retryAfter { response.headers[.retryAfter] = retryAfter }
            return response
        case .hang(let duration):
            try await Task.sleep(for: duration)
            return error(504, message: "the loopback server hung")
        case .malformedJSON:
            return raw(200, "{\"id\": \"broken\", \"choices\": [ this is not json")
        case .truncatedBody:
            let full = textReply("this reply is cut off", input: 1, output: 1, cached: 0).jsonText
            let half = String(full.prefix(full.count / 2))
            let body = ResponseBody(contentLength: full.utf8.count) { writer in
                try await writer.write(ByteBuffer(string: half))
                throw TruncatedOnPurpose()
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
        case .after(let latency, let inner):
            try await Task.sleep(for: latency)
            return try await response(for: inner, headers: headers)
        case .echoAuthorization(let status):
            let echoed = [headers["authorization"], headers["x-api-key"]].compactMap { $0 }.joined(separator: " ")
            return error(status, message: "Incorrect API key provided: \(echoed)")
        }
    }

    func textReply(_ text: String, input: Int, output: Int, cached: Int, written: Int = 0) -> JSONValue {
        switch wireProtocol {
        case .openAI:
            return [
                "id": "chatcmpl-loopback", "object": "chat.completion", "model": .string(model),
                "choices": [["index": 0, "message": ["role": "assistant", "content": .string(text)], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": .integer(input + cached), "completion_tokens": .integer(output),
                          "total_tokens": .integer(input + cached + output),
                          "prompt_tokens_details": ["cached_tokens": .integer(cached)]],
            ]
        case .anthropic:
            return [
                "id": "msg_loopback", "type": "message", "role": "assistant", "model": .string(model),
                "content": [["type": "text", "text": .string(text)]], "stop_reason": "end_turn",
                "usage": ["input_tokens": .integer(input), "output_tokens": .integer(output),
                          "cache_read_input_tokens": .integer(cached), "cache_creation_input_tokens": .integer(written)],
            ]
        }
    }

    private func toolReply(_ calls: [ScriptedToolCall], text: String, input: Int, output: Int) -> JSONValue {
        switch wireProtocol {
        case .openAI:
            let wireCalls: [JSONValue] = calls.map { call in
                ["id": .string(call.id), "type": "function",
                 "function": ["name": .string(call.name), "arguments": .string(call.arguments.jsonText)]]
            }
            return [
                "id": "chatcmpl-loopback", "object": "chat.completion", "model": .string(model),
                "choices": [["index": 0,
                             "message": ["role": "assistant", "content": text.isEmpty ? .null : .string(text),
                                         "tool_calls": .array(wireCalls)],
                             "finish_reason": "tool_calls"]],
                "usage": ["prompt_tokens": .integer(input), "completion_tokens": .integer(output)],
            ]
        case .anthropic:
            var blocks: [JSONValue] = text.isEmpty ? [] : [["type": "text", "text": .string(text)]]
            blocks += calls.map { ["type": "tool_use", "id": .string($0.id), "name": .string($0.name), "input": $0.arguments] }
            return [
                "id": "msg_loopback", "type": "message", "role": "assistant", "model": .string(model),
                "content": .array(blocks), "stop_reason": "tool_use",
                "usage": ["input_tokens": .integer(input), "output_tokens": .integer(output)],
            ]
        }
    }

    private func error(_ status: Int, message: String) -> Response {
        let body: JSONValue
        switch wireProtocol {
        case .openAI: body = ["error": ["message": .string(message), "type": "loopback_error"]]
        case .anthropic: body = ["type": "error", "error": ["type": "loopback_error", "message": .string(message)]]
        }
        return raw(status, body.jsonText)
    }

    private func json(_ value: JSONValue) -> Response { raw(200, value.jsonText) }

    private func raw(_ status: Int, _ text: String) -> Response {
        Response(
            status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Thrown by the truncated-body step to make the server drop the connection mid-body.
struct TruncatedOnPurpose: Error {}
