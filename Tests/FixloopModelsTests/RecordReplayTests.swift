import FixloopCore
import FixloopModels
import FixloopTesting
import Foundation
import Testing

/// `--record` transcripts and the replay client.
@Suite struct RecordReplayTests {
    /// A two-turn conversation with a tool call, as an agent loop would drive it.
    func converse(with client: any ModelClient) async throws -> [ModelReply] {
        var messages: [ChatMessage] = [.system("You fix bugs."), .user("The cart total is wrong.")]
        let first = try await client.send(ModelRequest(messages: messages, tools: [readFileTool])).requireReply()
        messages.append(first.message)
        for call in first.message.toolCalls { messages.append(.toolResult(id: call.id, "let total = a - b")) }
        let second = try await client.send(ModelRequest(messages: messages, tools: [readFileTool])).requireReply()
        return [first, second]
    }

    func recordConversation(_ wire: LoopbackModelServer.WireProtocol, to file: URL) async throws -> [ModelReply] {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(
                .toolCalls([ScriptedToolCall(id: "call_1", name: "read_file", arguments: ["path": "Cart.swift"])]),
                .text("The total subtracts instead of adding."))
            let recorder = try ModelTranscriptRecorder(url: file, secrets: [testKey])
            let recording = RecordingModelClient(
                wrapping: client(for: server, retry: instantRetry(SleepLog())), recorder: recorder)
            let replies = try await converse(with: recording)
            try await recorder.close()
            return replies
        }
    }

    @Test(arguments: bothProtocols)
    func recordThenReplayGivesTheSameConversation(wire: LoopbackModelServer.WireProtocol) async throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("run.jsonl")
        let recorded = try await recordConversation(wire, to: file)
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let replay = try ReplayModelClient(url: file)
        let replayed = try await converse(with: replay)
        #expect(replayed == recorded)
        #expect(replayed[0].message.toolCalls.first?.name == "read_file")
        #expect(await replay.played == 2)
        #expect(replay.spec.provider == .replay)
    }

    @Test func aDivergingConversationFailsSayingWhere() async throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("run.jsonl")
        _ = try await recordConversation(.openAI, to: file)
        let replay = try ReplayModelClient(url: file)
        let error = await #expect(throws: ModelError.self) {
            try await replay.send(ModelRequest(messages: [.system("You fix bugs."), .user("The tax is wrong.")], tools: [readFileTool]))
        }
        #expect(error?.kind == .replayDiverged)
        #expect(error?.isRetryable == false)
        let message = error?.message ?? ""
        #expect(message.contains("call 1 departs from the recording"))
        #expect(message.contains("message 2 (user) is 'The tax is wrong.'"))
        #expect(message.contains("The cart total is wrong."))
    }

    @Test func requestsThatArriveOutOfOrderGetTheirOwnReplies() async throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("run.jsonl")
        let questions = ["session a", "session b", "session c"]
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.text("grade a"), .text("grade b"), .text("grade c"))
            let recorder = try ModelTranscriptRecorder(url: file, secrets: [testKey])
            let recording = RecordingModelClient(wrapping: client(for: server, retry: instantRetry(SleepLog())), recorder: recorder)
            for question in questions { _ = try await recording.send(ModelRequest(messages: [.user(question)])) }
            try await recorder.close()
        }
        let replay = try ReplayModelClient(url: file)
        var answers: [String] = []
        for question in questions.reversed() {
            answers.append(try await replay.send(ModelRequest(messages: [.user(question)])).requireReply().message.content)
        }
        #expect(answers == ["grade c", "grade b", "grade a"])
        #expect(await replay.played == 3)
        let again = await #expect(throws: ModelError.self) { try await replay.send(ModelRequest(messages: [.user("session a")])) }
        #expect(again?.message.contains("only 3 replies") == true)
    }

    @Test func replayingPastTheEndFails() async throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("run.jsonl")
        _ = try await recordConversation(.anthropic, to: file)
        let replay = try ReplayModelClient(url: file)
        _ = try await converse(with: replay)
        let error = await #expect(throws: ModelError.self) {
            try await replay.send(ModelRequest(messages: [.user("more?")]))
        }
        #expect(error?.message.contains("only 2 replies") == true)
    }

    @Test func aRecordingRecordsFailuresToo() async throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("run.jsonl")
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.status(400, message: "bad"))
            let recorder = try ModelTranscriptRecorder(url: file, secrets: [testKey])
            let recording = RecordingModelClient(wrapping: client(for: server, retry: instantRetry(SleepLog())), recorder: recorder)
            _ = try? await recording.send(ModelRequest(messages: [.user("hi")]))
            try await recorder.close()
        }
        let entry = try JSONDecoder().decode(ModelTranscriptEntry.self, from: Data(contentsOf: file))
        #expect(entry.failure?.code == "models.bad_request")
        #expect(entry.reply == nil)
    }

    @Test func anUnreadableRecordingIsAConfigurationError() throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("bad.jsonl")
        try Data("not json\n".utf8).write(to: file)
        #expect {
            try ReplayModelClient(url: file)
        } throws: { error in
            (error as? ModelError)?.kind == .configuration && ((error as? ModelError)?.message.contains("line 1") ?? false)
        }
    }
}
