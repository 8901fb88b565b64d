import FixloopCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A batch interface on 127.0.0.1 speaking OpenAI's Files and Batch API (`POST /v1/files` multipart,
/// `POST /v1/batches`, `GET /v1/batches/{id}`, `GET /v1/files/{id}/content`) or Anthropic's Message Batches
/// (`POST /v1/messages/batches`, `GET /v1/messages/batches/{id}`, `GET …/{id}/results`), and the direct calls of
/// the same protocol (answered with the set plan's reply).
///
/// Each batch follows a ``BatchServerPlan`` (the next enqueued one, else the one set): a number of polls that see it
/// running, then completed, expired after some answers, or failed; chosen requests errored; the model's text made
/// from each request's body. Use ``withLoopbackBatchServer(_:_:)`` so it always stops.
public final class LoopbackBatchServer: Sendable {
    /// The protocol spoken.
    public let wireProtocol: LoopbackModelServer.WireProtocol
    /// The port it listens on.
    public let port: Int
    private let state: BatchServerState
    private let task: Task<Void, any Error>

    private init(wireProtocol: LoopbackModelServer.WireProtocol, port: Int, state: BatchServerState, task: Task<Void, any Error>) {
        self.wireProtocol = wireProtocol
        self.port = port
        self.state = state
        self.task = task
    }

    /// The base URL a client is given: `http://127.0.0.1:PORT/v1` for OpenAI, `http://127.0.0.1:PORT` for Anthropic.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)" + (wireProtocol == .openAI ? "/v1" : ""))! }

    /// Sets the plan of every batch made from now on that no enqueued plan claims.
    public func setPlan(_ plan: BatchServerPlan) async { await state.setPlan(plan) }
    /// The plan of the next batch made (then of the one after, in order).
    public func enqueue(_ plan: BatchServerPlan) async { await state.enqueue(plan) }
    /// Every batch made so far, oldest first.
    public func batches() async -> [LoopbackBatch] { await state.all }
    /// The bodies of the direct calls (`/v1/chat/completions`, `/v1/messages`) answered so far, oldest first:
    /// the server also answers those, with the set plan's reply, so a client's repairs reach the same base URL.
    public func directRequests() async -> [JSONValue] { await state.direct }

    /// Starts a server on a free port.
    public static func start(_ wireProtocol: LoopbackModelServer.WireProtocol) async throws -> LoopbackBatchServer {
        let state = BatchServerState()
        let router = Router()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let box = PortBox()
        let wire = BatchWire(wireProtocol: wireProtocol, state: state, port: box)
        switch wireProtocol {
        case .openAI:
            router.post("/v1/files") { request, _ in try await wire.upload(request) }
            router.post("/v1/batches") { request, _ in try await wire.createOpenAI(request) }
            router.get("/v1/batches/{id}") { _, context in try await wire.poll(context.parameters.require("id")) }
            router.get("/v1/files/{id}/content") { _, context in try await wire.fileContent(context.parameters.require("id")) }
            router.post("/v1/chat/completions") { request, _ in try await wire.direct(request) }
        case .anthropic:
            router.post("/v1/messages/batches") { request, _ in try await wire.createAnthropic(request) }
            router.post("/v1/messages") { request, _ in try await wire.direct(request) }
            router.get("/v1/messages/batches/{id}") { _, context in try await wire.poll(context.parameters.require("id")) }
            router.get("/v1/messages/batches/{id}/results") { _, context in
                try await wire.anthropicResults(context.parameters.require("id"))
            }
        }
        var logger = Logger(label: "fixloop.loopback-batch-server")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw LoopbackServerError()
        }
        box.set(port)
        return LoopbackBatchServer(wireProtocol: wireProtocol, port: port, state: state, task: task)
    }

    /// Stops the server.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// Runs `body` with a started batch server and stops it on every path.
public func withLoopbackBatchServer<T: Sendable>(
    _ wireProtocol: LoopbackModelServer.WireProtocol, _ body: (LoopbackBatchServer) async throws -> T
) async throws -> T {
    let server = try await LoopbackBatchServer.start(wireProtocol)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
