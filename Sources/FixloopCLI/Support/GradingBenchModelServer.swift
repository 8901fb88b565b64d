import FixloopCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The model `fixloop bench grading` measures against: an OpenAI-compatible `POST /v1/chat/completions` on
/// 127.0.0.1 that answers every request with the same valid grade after a fixed latency, with usage counted from
/// the request (four characters a token), so the figures measure Fixloop and not a provider.
struct GradingBenchModelServer: Sendable {
    /// A grade every generated session accepts.
    static let grade = #"""
        {"score": 7, "intent": "buy a plant", "right_product": true, "went_right": ["found the product"],
         "went_wrong": [], "failures": [], "confidence": 0.8}
        """#

    let latency: Duration

    /// Runs `body` with the server's base URL (`http://127.0.0.1:PORT/v1`) and stops the server on every path.
    func run<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        let router = Router()
        let latency = latency
        router.post("/v1/chat/completions") { request, _ -> Response in
            var request = request
            let bytes = try await request.collectBody(upTo: 16 * 1024 * 1024).readableBytes
            try await Task.sleep(for: latency)
            let reply: JSONValue = [
                "id": "chatcmpl-bench", "object": "chat.completion", "model": "bench",
                "choices": [["index": 0, "message": ["role": "assistant", "content": .string(Self.grade)], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": .integer(bytes / 4), "completion_tokens": 60, "total_tokens": .integer(bytes / 4 + 60)],
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
        let result = try await body(URL(string: "http://127.0.0.1:\(port)/v1")!)
        server.cancel()
        _ = await server.result
        return result
    }
}
