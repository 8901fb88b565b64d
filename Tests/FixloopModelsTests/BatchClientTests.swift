import FixloopCore
import FixloopHTTP
@testable import FixloopModels
import FixloopTesting
import Foundation
import Testing

/// The batch clients against loopback servers speaking OpenAI's Files + Batch API and Anthropic's Message Batches.
struct BatchClientTests {
    func batchClient(for server: LoopbackBatchServer, retry: RetryPolicy = RetryPolicy(maxAttempts: 1)) -> any BatchClient {
        let endpoint = ModelEndpoint(baseURL: server.baseURL, apiKey: testKey)
        switch server.wireProtocol {
        case .openAI: return OpenAIBatchClient(model: "test-model", endpoint: endpoint, retry: retry)
        case .anthropic: return AnthropicBatchClient(model: "test-model", endpoint: endpoint, retry: retry)
        }
    }

    func requests(_ count: Int) -> [BatchRequest] {
        (0..<count).map { index in
            BatchRequest(customID: "g\(index)", request: ModelRequest(
                messages: [.system("Grade the session."), .user("session \(index)")], maxOutputTokens: 300, temperature: 0))
        }
    }

    /// The text the loopback model answers: the session named in the last user message, echoed.
    static let echo: @Sendable (JSONValue) -> String = { body in
        let messages = body["messages"]?.arrayValue ?? []
        let last = messages.last?["content"]
        return "reply to " + (last?.stringValue ?? last?[0]?["text"]?.stringValue ?? "?")
    }

    @Test(arguments: bothProtocols)
    func aBatchIsSubmittedPolledUntilItEndsAndEveryAnswerIsReadBack(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackBatchServer(wire) { server in
            await server.setPlan(BatchServerPlan(runningPolls: 3, inputTokens: 900, outputTokens: 80, reply: Self.echo))
            let client = batchClient(for: server)
            let id = try await client.submit(requests(3))
            var phases: [BatchStatus.Phase] = []
            var status = try await client.status(of: id)
            phases.append(status.phase)
            while !status.phase.isFinished {
                status = try await client.status(of: id)
                phases.append(status.phase)
            }
            #expect(phases == [.running, .running, .running, .completed])
            #expect(status.total == 3 && status.succeeded == 3 && status.failed == 0)
            let results = try await client.results(of: status)
            #expect(results.count == 3)
            guard case .succeeded(let reply)? = results["g2"] else {
                Issue.record("g2 has no answer: \(String(describing: results["g2"]))")
                return
            }
            #expect(reply.message.content == "reply to session 2")
            #expect(reply.usage.inputTokens == 900 && reply.usage.outputTokens == 80)
        }
    }

    @Test(arguments: bothProtocols)
    func eachBatchRequestCarriesTheBodyTheDirectClientSends(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackBatchServer(wire) { server in
            await server.setPlan(BatchServerPlan(reply: Self.echo))
            let batch = requests(2)
            _ = try await batchClient(for: server).submit(batch)
            let sent = try #require(await server.batches().first)
            let endpoint = ModelEndpoint(baseURL: server.baseURL, apiKey: testKey)
            for (index, request) in sent.requests.enumerated() {
                #expect(request.customID == "g\(index)")
                let direct: JSONValue
                switch wire {
                case .openAI: direct = OpenAICompatibleModelClient(model: "test-model", endpoint: endpoint).body(for: batch[index].request)
                case .anthropic: direct = AnthropicModelClient(model: "test-model", endpoint: endpoint).body(for: batch[index].request)
                }
                // Compared as the server reads them (a 0.0 temperature comes back as the integer 0).
                #expect(request.body == (try JSONValue(parsing: direct.serialized())))
            }
        }
    }

    @Test(arguments: bothProtocols)
    func aPartlyFailedBatchGivesAnswersAndTheFailedRequestsAsErrors(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackBatchServer(wire) { server in
            await server.setPlan(BatchServerPlan(runningPolls: 0, errored: [1, 3], reply: Self.echo))
            let client = batchClient(for: server)
            let status = try await client.status(of: try await client.submit(requests(4)))
            #expect(status.phase == .completed && status.succeeded == 2 && status.failed == 2)
            let results = try await client.results(of: status)
            for id in ["g1", "g3"] {
                guard case .errored(let reason)? = results[id] else {
                    Issue.record("\(id) did not error: \(String(describing: results[id]))")
                    continue
                }
                #expect(reason.contains("refused on purpose"))
            }
            guard case .succeeded? = results["g0"], case .succeeded? = results["g2"] else {
                Issue.record("g0 and g2 have no answers: \(results)")
                return
            }
        }
    }

    @Test(arguments: bothProtocols)
    func anExpiredBatchGivesItsAnswersAndTheRestAsExpired(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackBatchServer(wire) { server in
            await server.setPlan(BatchServerPlan(runningPolls: 0, ending: .expired(answered: 1), reply: Self.echo))
            let client = batchClient(for: server)
            let status = try await client.status(of: try await client.submit(requests(3)))
            #expect(status.phase == .expired)
            let results = try await client.results(of: status)
            #expect(results["g1"] == .expired && results["g2"] == .expired)
            guard case .succeeded? = results["g0"] else {
                Issue.record("g0 has no answer: \(results)")
                return
            }
        }
    }

    @Test func aFailedOpenAIBatchSaysWhyAndHasNoResults() async throws {
        try await withLoopbackBatchServer(.openAI) { server in
            await server.setPlan(BatchServerPlan(runningPolls: 0, ending: .failed("line 1 is not valid"), reply: Self.echo))
            let client = batchClient(for: server)
            let status = try await client.status(of: try await client.submit(requests(2)))
            #expect(status.phase == .failed && status.reason == "line 1 is not valid")
            #expect(try await client.results(of: status).isEmpty)
        }
    }

    @Test func anAnthropicResultsURLOnAnotherHostIsRefusedSoTheKeyIsNotSentThere() async throws {
        try await withLoopbackBatchServer(.anthropic) { server in
            let client = batchClient(for: server)
            let status = BatchStatus(id: "msgbatch_x", phase: .completed, providerState: "ended",
                                     resultLocations: ["https://elsewhere.example/v1/messages/batches/msgbatch_x/results"])
            await #expect(throws: ModelError.self) { _ = try await client.results(of: status) }
        }
    }

    @Test func requestsAreSplitAtTheProvidersLimits() {
        let limits = BatchLimits(maximumRequests: 3, maximumBytes: 250)
        let groups = limits.split(requests(8)) { _ in 100 }
        #expect(groups.map(\.count) == [2, 2, 2, 2])
        let byCount = BatchLimits(maximumRequests: 3, maximumBytes: 10_000).split(requests(7)) { _ in 100 }
        #expect(byCount.map(\.count) == [3, 3, 1])
        #expect(BatchLimits.openAI == BatchLimits(maximumRequests: 50_000, maximumBytes: 200_000_000))
        #expect(BatchLimits.anthropic == BatchLimits(maximumRequests: 100_000, maximumBytes: 256_000_000))
    }

    @Test func batchAnswersArePricedAtTheBatchRate() {
        let usage = TokenUsage(inputTokens: 1_000_000, outputTokens: 1_000_000)
        let listed = ModelPrice(inputPerMillion: 2, outputPerMillion: 8, batchInputPerMillion: 1, batchOutputPerMillion: 4)
        #expect(listed.batchCost(of: usage) == 5)
        let unlisted = ModelPrice(inputPerMillion: 3, outputPerMillion: 15)
        #expect(unlisted.batchCost(of: usage) == 9)
    }
}
