import FixloopCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The model `fixloop bench grading` measures against: an OpenAI-compatible `POST /v1/chat/completions` on
/// 127.0.0.1 that answers every request with the same valid grade after a fixed latency, with usage counted from
/// the request (four characters a token), so the figures measure Fixloop and not a provider.
///
/// With `cacheMinimumTokens` set it also plays OpenAI's automatic prompt cache: a system message seen before and
/// at least that long is reported as cached (`prompt_tokens_details.cached_tokens`, in steps of 128 tokens).
struct GradingBenchModelServer: Sendable {
    /// A grade every generated session accepts.
    static let grade = #"""
        {"score": 7, "intent": "buy a plant", "right_product": true, "went_right": ["found the product"],
         "went_wrong": [], "failures": [], "confidence": 0.8}
        """#

    /// Input tokens received and reported cached, over every request so far.
    final class Usage: Sendable {
        private let counts = Mutex((prompt: 0, cached: 0))
        fileprivate func add(prompt: Int, cached: Int) { counts.withLock { $0.prompt += prompt; $0.cached += cached } }
        var promptTokens: Int { counts.withLock { $0.prompt } }
        var cachedTokens: Int { counts.withLock { $0.cached } }
    }

    let latency: Duration
    /// Play a prompt cache for system messages of at least this many tokens; nil: no cache.
    var cacheMinimumTokens: Int?

    /// Runs `body` with the server's base URL (`http://127.0.0.1:PORT/v1`) and its usage counts, and stops the
    /// server on every path.
    func run<T: Sendable>(_ body: @Sendable (URL, Usage) async throws -> T) async throws -> T {
        let router = Router()
        let (latency, minimum, usage) = (latency, cacheMinimumTokens, Usage())
        let seen = Mutex(Set<String>())
        router.post("/v1/chat/completions") { request, _ -> Response in
            var request = request
            let data = Data(try await request.collectBody(upTo: 16 * 1024 * 1024).readableBytesView)
            let messages = (try? JSONValue(parsing: data))?["messages"]?.arrayValue ?? []
            let texts = messages.compactMap { $0["content"]?.stringValue }
            let prompt = texts.reduce(0) { $0 + $1.utf8.count } / 4
            var cached = 0
            if let minimum, let first = messages.first, first["role"]?.stringValue == "system", let system = first["content"]?.stringValue {
                let tokens = system.utf8.count / 4
                let hit = seen.withLock { !$0.insert(system).inserted }
                if hit, tokens >= minimum { cached = tokens / 128 * 128 }
            }
            usage.add(prompt: prompt, cached: cached)
            try await Task.sleep(for: latency)
            let reply: JSONValue = [
                "id": "chatcmpl-bench", "object": "chat.completion", "model": "bench",
                "choices": [["index": 0, "message": ["role": "assistant", "content": .string(Self.grade)], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": .integer(prompt), "completion_tokens": 60, "total_tokens": .integer(prompt + 60),
                          "prompt_tokens_details": ["cached_tokens": .integer(cached)]],
            ]
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: reply.jsonText)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "fixloop.bench-model")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            throw CommandError(code: "bench.server", message: "The benchmark's model server on 127.0.0.1 did not start; check that loopback networking works.")
        }
        let result = try await body(URL(string: "http://127.0.0.1:\(port)/v1")!, usage)
        server.cancel()
        _ = await server.result
        return result
    }
}
