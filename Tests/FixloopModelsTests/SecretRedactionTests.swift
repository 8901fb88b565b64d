import FixloopCore
import FixloopModels
import FixloopTesting
import Foundation
import Testing

/// The API key never reaches an error message or a recording.
@Suite struct SecretRedactionTests {
    @Test(arguments: bothProtocols)
    func aServerEchoingTheKeyDoesNotPutItInTheError(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.echoAuthorization(status: 401))
            let error = await #expect(throws: ModelError.self) {
                try await client(for: server, retry: instantRetry(SleepLog())).send(ModelRequest(messages: [.user("hi")]))
            }
            let message = try #require(error?.message)
            #expect(error?.kind == .unauthorized)
            #expect(message.contains("<redacted>"))
            #expect(!message.contains(testKey.reveal()))
            #expect(!String(describing: error as Any).contains(testKey.reveal()))
            #expect(!String(reflecting: error as Any).contains(testKey.reveal()))
        }
    }

    @Test func aRecordingNeverHoldsTheKeyEvenWhenAMessageQuotesIt() async throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("run.jsonl")
        try await withLoopbackModelServer(.anthropic) { server in
            await server.enqueue(.text("I see the key \(testKey.reveal()) in your message."), .echoAuthorization(status: 403))
            let recorder = try ModelTranscriptRecorder(url: file, secrets: [testKey])
            let recording = RecordingModelClient(wrapping: client(for: server, retry: instantRetry(SleepLog())), recorder: recorder)
            _ = try await recording.send(ModelRequest(messages: [.user("my key is \(testKey.reveal())")]))
            _ = try? await recording.send(ModelRequest(messages: [.user("again")]))
            try await recorder.close()
        }
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 2)
        #expect(!text.contains(testKey.reveal()))
        #expect(text.contains("<redacted>"))
    }

    @Test func endpointsKeepKeysSecret() throws {
        let endpoints = try ModelEndpoints(openAIBaseURL: "http://127.0.0.1:1/v1", openAIKey: testKey, anthropicBaseURL: nil, anthropicKey: nil)
        #expect(endpoints.openAI.apiKey?.reveal() == testKey.reveal())
        #expect(!String(describing: endpoints).contains(testKey.reveal()))
        #expect(endpoints.anthropic.apiKey == nil)
        #expect(endpoints.anthropic.baseURL == ModelEndpoint.anthropicDefaultBaseURL)
    }

    @Test func aBaseURLWithCredentialsIsRefusedWithoutEchoingThem() {
        #expect {
            try ModelEndpoints(openAIBaseURL: "https://user:\(testKey.reveal())@example.com/v1", openAIKey: nil, anthropicBaseURL: nil, anthropicKey: nil)
        } throws: { error in
            guard let error = error as? ModelError else { return false }
            return error.kind == .configuration && !error.message.contains(testKey.reveal())
        }
    }
}
