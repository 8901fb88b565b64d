import FixloopCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// An OpenAI-compatible or Anthropic-compatible HTTP server on 127.0.0.1 that a test scripts step by step.
///
/// It speaks the real wire formats (`POST /v1/chat/completions`, `POST /v1/messages`), answers each request with
/// the next ``ModelServerStep``, and keeps every request for assertions. With the script empty it answers 500
/// saying so, so a test that forgot a step fails loudly. Use ``withLoopbackModelServer(_:_:)`` so it always stops.
public final class LoopbackModelServer: Sendable {
    /// Which protocol the server speaks.
    public enum WireProtocol: String, Sendable {
        case openAI, anthropic
    }

    /// The protocol spoken.
    public let wireProtocol: WireProtocol
    /// The port it listens on.
    public let port: Int
    private let script: ModelServerScript
    private let task: Task<Void, any Error>

    private init(wireProtocol: WireProtocol, port: Int, script: ModelServerScript, task: Task<Void, any Error>) {
        self.wireProtocol = wireProtocol
        self.port = port
        self.script = script
        self.task = task
    }

    /// The base URL a client is given: `http://127.0.0.1:PORT/v1` for OpenAI, `http://127.0.0.1:PORT` for Anthropic.
    public var baseURL: URL {
        URL(string: "http://127.0.0.1:\(port)" + (wireProtocol == .openAI ? "/v1" : ""))!
    }

    /// Starts a server on a free port.
    /// - Parameter wireProtocol: OpenAI Chat Completions or Anthropic Messages.
    public static func start(_ wireProtocol: WireProtocol) async throws -> LoopbackModelServer {
        let script = ModelServerScript()
        let router = Router()
        let path: RouterPath = wireProtocol == .openAI ? "/v1/chat/completions" : "/v1/messages"
        router.post(path) { request, _ in
            try await Self.respond(to: request, script: script, wireProtocol: wireProtocol)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "fixloop.loopback-model-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
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
        return LoopbackModelServer(wireProtocol: wireProtocol, port: port, script: script, task: task)
    }

    /// Adds steps to the end of the script.
    public func enqueue(_ steps: ModelServerStep...) async { await script.enqueue(steps) }

    /// Adds steps to the end of the script.
    public func enqueue(contentsOf steps: [ModelServerStep]) async { await script.enqueue(steps) }

    /// Answers requests by content: each request goes to `responder` first, and only when it returns nil to the
    /// queued steps. For conversations whose order is not fixed (a scorer grading many sessions).
    public func respond(with responder: @escaping @Sendable (ReceivedModelRequest) -> ModelServerStep?) async {
        await script.setResponder(responder)
    }

    /// Holds every answer back this long before sending it: a model's fixed latency, for benchmarks.
    public func setLatency(_ latency: Duration) async { await script.setLatency(latency) }

    /// Every request received so far, oldest first.
    public func received() async -> [ReceivedModelRequest] { await script.received }

    /// The most requests the server was answering at the same time so far.
    public func mostConcurrentRequests() async -> Int { await script.mostInFlight }

    /// Steps not yet used.
    public func remainingSteps() async -> Int { await script.remaining }

    /// Stops the server.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    private static func respond(to request: Request, script: ModelServerScript, wireProtocol: WireProtocol) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 * 1024 * 1024)
        let data = Data(buffer.readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let body = (try? JSONValue(parsing: data)) ?? .null
        let step = await script.next(ReceivedModelRequest(
            path: request.uri.path, headers: headers, body: body, receivedAt: .now))
        let latency = await script.latency
        if latency > .zero { try await Task.sleep(for: latency) }
        let wire = ModelWireReplies(wireProtocol: wireProtocol, model: body["model"]?.stringValue ?? "model")
        // Counted out before the answer leaves, so a client's next request never overlaps its own last one.
        do {
            let response = try await wire.response(for: step, headers: headers)
            await script.finished()
            return response
        } catch {
            await script.finished()
            throw error
        }
    }
}

/// Runs `body` with a started server and stops it on every path.
/// - Parameters:
///   - wireProtocol: OpenAI Chat Completions or Anthropic Messages.
///   - body: the test, given the server.
public func withLoopbackModelServer<T: Sendable>(
    _ wireProtocol: LoopbackModelServer.WireProtocol, _ body: (LoopbackModelServer) async throws -> T
) async throws -> T {
    let server = try await LoopbackModelServer.start(wireProtocol)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// The script and the record of a loopback server.
actor ModelServerScript {
    private var steps: [ModelServerStep] = []
    private(set) var received: [ReceivedModelRequest] = []
    private var inFlight = 0
    /// The high-water mark of requests being answered at once.
    private(set) var mostInFlight = 0

    private var responder: (@Sendable (ReceivedModelRequest) -> ModelServerStep?)?

    func enqueue(_ more: [ModelServerStep]) { steps += more }

    func finished() { inFlight -= 1 }

    func setResponder(_ responder: @escaping @Sendable (ReceivedModelRequest) -> ModelServerStep?) { self.responder = responder }

    private(set) var latency: Duration = .zero

    func setLatency(_ latency: Duration) { self.latency = latency }

    var remaining: Int { steps.count }

    func next(_ request: ReceivedModelRequest) -> ModelServerStep? {
        received.append(request)
        inFlight += 1
        mostInFlight = max(mostInFlight, inFlight)
        if let step = responder?(request) { return step }
        return steps.isEmpty ? nil : steps.removeFirst()
    }
}
