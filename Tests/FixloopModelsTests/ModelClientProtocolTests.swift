import FixloopConfig
import FixloopCore
import FixloopModels
import FixloopTesting
import Foundation
import Testing

/// Both clients against loopback servers that speak their wire protocols.
@Suite struct ModelClientProtocolTests {
    @Test(arguments: bothProtocols)
    func plainTextReplyCarriesTextAndUsage(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.text("Hello there.", inputTokens: 30, outputTokens: 3, cachedTokens: 5))
            let log = SleepLog()
            let reply = try await client(for: server, retry: instantRetry(log))
                .send(ModelRequest(messages: [.system("Be brief."), .user("Hi")], maxOutputTokens: 50))
                .requireReply()
            #expect(reply.message.role == .assistant)
            #expect(reply.message.content == "Hello there.")
            #expect(reply.message.toolCalls.isEmpty)
            #expect(reply.stopReason == .endTurn)
            #expect(reply.usage == TokenUsage(inputTokens: 30, outputTokens: 3, cachedInputTokens: 5))
            let requests = await server.received()
            #expect(requests.count == 1)
            #expect(requests[0].body["model"] == "test-model")
        }
    }

    @Test(arguments: bothProtocols)
    func severalToolCallsInOneReplyAreParsed(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.toolCalls([
                ScriptedToolCall(id: "call_a", name: "read_file", arguments: ["path": "Sources/a.swift"]),
                ScriptedToolCall(id: "call_b", name: "read_file", arguments: ["path": "Sources/b.swift"]),
            ], text: "Reading both."))
            let reply = try await client(for: server, retry: instantRetry(SleepLog()))
                .send(ModelRequest(messages: [.user("Fix the bug")], tools: [readFileTool]))
                .requireReply()
            #expect(reply.stopReason == .toolUse)
            #expect(reply.message.toolCalls.map(\.id) == ["call_a", "call_b"])
            #expect(reply.message.toolCalls.map(\.name) == ["read_file", "read_file"])
            #expect(reply.message.toolCalls[1].arguments == ["path": "Sources/b.swift"])
            #expect(reply.message.content == "Reading both.")
        }
    }

    @Test func openAIRequestCarriesToolsToolCallsAndResults() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.text("done"))
            let call = ToolCall(id: "call_1", name: "read_file", argumentsText: #"{"path":"a.swift"}"#)
            _ = try await client(for: server, retry: instantRetry(SleepLog())).send(ModelRequest(
                messages: [.system("sys"), .user("go"), .assistant("", toolCalls: [call]), .toolResult(id: "call_1", "let a = 1")],
                tools: [readFileTool], maxOutputTokens: 64))
            let body = try #require(await server.received().first?.body)
            #expect(body["tools"]?[0]?["type"] == "function")
            #expect(body["tools"]?[0]?["function"]?["name"] == "read_file")
            #expect(body["tools"]?[0]?["function"]?["parameters"]?["required"] == ["path"])
            #expect(body["messages"]?[0]?["role"] == "system")
            #expect(body["messages"]?[2]?["tool_calls"]?[0]?["function"]?["arguments"] == #"{"path":"a.swift"}"#)
            #expect(body["messages"]?[2]?["content"] == .null)
            #expect(body["messages"]?[3]?["role"] == "tool")
            #expect(body["messages"]?[3]?["tool_call_id"] == "call_1")
            #expect(body["max_tokens"] == 64)
            let headers = try #require(await server.received().first?.headers)
            #expect(headers["authorization"] == "Bearer \(testKey.reveal())")
        }
    }

    @Test func anthropicRequestUsesSystemFieldAndMergesToolResults() async throws {
        try await withLoopbackModelServer(.anthropic) { server in
            await server.enqueue(.text("done"))
            let calls = [
                ToolCall(id: "toolu_1", name: "read_file", argumentsText: #"{"path":"a"}"#),
                ToolCall(id: "toolu_2", name: "read_file", argumentsText: #"{"path":"b"}"#),
            ]
            _ = try await client(for: server, retry: instantRetry(SleepLog())).send(ModelRequest(
                messages: [.system("sys"), .user("go"), .assistant("Looking.", toolCalls: calls),
                           .toolResult(id: "toolu_1", "A"), .toolResult(id: "toolu_2", "B"), .user("and now?")],
                tools: [readFileTool]))
            let request = try #require(await server.received().first)
            let body = request.body
            #expect(body["system"] == [["type": "text", "text": "sys", "cache_control": ["type": "ephemeral"]]])
            #expect(body["tools"]?[0]?["input_schema"]?["type"] == "object")
            let messages = try #require(body["messages"]?.arrayValue)
            #expect(messages.map { $0["role"] } == ["user", "assistant", "user"])
            #expect(messages[1]["content"]?[1]?["type"] == "tool_use")
            #expect(messages[1]["content"]?[1]?["input"] == ["path": "a"])
            let last = try #require(messages[2]["content"]?.arrayValue)
            #expect(last.map { $0["type"] } == ["tool_result", "tool_result", "text"])
            #expect(last[1]["tool_use_id"] == "toolu_2")
            // Breakpoints: the system prompt and the newest block of the conversation, nothing in between.
            #expect(last[2]["cache_control"] == ["type": "ephemeral"])
            #expect(messages.dropLast().allSatisfy { $0.jsonText.contains("cache_control") == false })
            #expect(request.headers["x-api-key"] == testKey.reveal())
            #expect(request.headers["anthropic-version"] == .some(AnthropicModelClient.apiVersion))
        }
    }

    @Test func anthropicCacheReadsAndWritesAreCountedApartAndPricedAtTheirOwnRates() async throws {
        try await withLoopbackModelServer(.anthropic) { server in
            await server.enqueue(.text("ok", inputTokens: 100, outputTokens: 10, cachedTokens: 2000, cacheWriteTokens: 1000))
            let reply = try await client(for: server, retry: instantRetry(SleepLog()))
                .send(ModelRequest(messages: [.system("rubric"), .user("session")])).requireReply()
            #expect(reply.usage == TokenUsage(inputTokens: 100, outputTokens: 10, cachedInputTokens: 2000, cacheWriteInputTokens: 1000))
            // Sonnet 4.5's list prices: input 3, cache write 3.75 (1.25×), cache read 0.30, output 15 per million.
            let price = try #require(ShippedPrices.table.price(for: ModelSpec(parsing: "anthropic:claude-sonnet-4-5")))
            #expect(abs(price.cost(of: reply.usage) - (100 * 3 + 1000 * 3.75 + 2000 * 0.30 + 10 * 15) / 1_000_000) < 1e-12)
            #expect(abs(price.cacheSavings(of: reply.usage) - (2000 * (3 - 0.30) - 1000 * 0.75) / 1_000_000) < 1e-12)
        }
    }

    @Test func localServerWithoutKeySendsNoAuthorization() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.text("ok"))
            _ = try await client(for: server, retry: instantRetry(SleepLog()), key: nil)
                .send(ModelRequest(messages: [.user("hi")]))
            let headers = try #require(await server.received().first?.headers)
            #expect(headers["authorization"] == nil)
        }
    }
}
