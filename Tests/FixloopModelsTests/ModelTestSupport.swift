import FixloopCore
import FixloopHTTP
import FixloopModels
import FixloopTesting
import Foundation

/// The fake key every test uses; it must never show up in an error or a recording.
let testKey = Secret("sk-test-9f8e7d6c5b4a-DO-NOT-LEAK")

/// Records the delays a retry policy asked for, without waiting.
actor SleepLog {
    private(set) var delays: [Duration] = []
    func add(_ delay: Duration) { delays.append(delay) }
}

/// A retry policy that does not really wait and has no jitter (random = 1, so delays are the ceiling).
func instantRetry(_ log: SleepLog, attempts: Int = 4) -> RetryPolicy {
    RetryPolicy(
        maxAttempts: attempts, initialDelay: .milliseconds(100), maxDelay: .seconds(30),
        sleep: { await log.add($0) }, random: { 1 })
}

/// A client of the server's protocol pointed at the server.
func client(
    for server: LoopbackModelServer, retry: RetryPolicy, timeout: Duration = .seconds(10),
    limiter: RateLimiter? = nil, key: Secret? = testKey, model: String = "test-model"
) -> any ModelClient {
    let endpoint = ModelEndpoint(baseURL: server.baseURL, apiKey: key)
    switch server.wireProtocol {
    case .openAI:
        return OpenAICompatibleModelClient(model: model, endpoint: endpoint, retry: retry, timeout: timeout, limiter: limiter)
    case .anthropic:
        return AnthropicModelClient(model: model, endpoint: endpoint, retry: retry, timeout: timeout, limiter: limiter)
    }
}

/// A fresh empty folder under the system's temporary directory.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-models-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

extension ModelOutcome {
    /// The reply, or a thrown failure so a test stops at a refusal it did not expect.
    func requireReply() throws -> ModelReply {
        guard let reply else { throw UnexpectedRefusal(outcome: self) }
        return reply
    }
}

struct UnexpectedRefusal: Error {
    let outcome: ModelOutcome
}

let bothProtocols: [LoopbackModelServer.WireProtocol] = [.openAI, .anthropic]

let readFileTool = ToolDefinition(
    name: "read_file", description: "Read a file of the repository.",
    parameters: ["type": "object", "properties": ["path": ["type": "string"]], "required": ["path"]])
