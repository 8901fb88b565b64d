import FixloopCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle

/// Where and how the server listens.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// Larger webhook bodies are refused with 413 (GitHub caps payloads at 25 MB; issue events are small).
    public var maxBodyBytes: Int
    /// Who may read `GET /` and `GET /metrics` on this listener (default: nobody, 404).
    public var admin: AdminAccess
    /// A second listener on 127.0.0.1 that serves the admin pages to anyone who reaches it (off when nil; 0 picks a port).
    public var adminPort: Int?

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 1 << 20, admin: AdminAccess = .closed, adminPort: Int? = nil) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.admin = admin
        self.adminPort = adminPort
    }
}

/// What `GET /metrics` reads besides the counters, and what `GET /` shows.
public struct MetricsSources: Sendable {
    public var jobs: @Sendable () async -> [JobState: Int]
    public var spendUSD: @Sendable () async -> Double
    /// The week's review as one HTML page (`fixloop report`'s), or nil when there is nothing to review yet.
    public var reviewPage: @Sendable () async -> String?

    public init(
        jobs: @escaping @Sendable () async -> [JobState: Int], spendUSD: @escaping @Sendable () async -> Double,
        reviewPage: @escaping @Sendable () async -> String? = { nil }
    ) {
        self.jobs = jobs
        self.spendUSD = spendUSD
        self.reviewPage = reviewPage
    }
}

/// The routes: `POST /webhooks/github`, `POST /webhooks/linear`, `GET /healthz`, and, as `settings.admin` allows,
/// `GET /metrics` and `GET /` (the week's review). Shared by `fixloop serve` and the tests.
public func buildRouter(
    settings: ServerSettings, intake: WebhookIntake, metrics: ServerMetrics, sources: MetricsSources, clock: ContinuousClock = .init()
) -> Router<BasicRequestContext> {
    let router = Router()
    router.post("/webhooks/github") { request, _ -> Response in
        let start = clock.now
        let reply = await receive(request, settings: settings, intake: intake)
        let elapsed = start.duration(to: clock.now)
        metrics.webhook(reply.result, seconds: elapsed.inSeconds)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: reply.message + "\n")))
    }
    router.post("/webhooks/linear") { request, _ -> Response in
        let start = clock.now
        var request = request
        let reply: WebhookReply
        if let body = try? await request.collectBody(upTo: settings.maxBodyBytes) {
            reply = await intake.receiveLinear(delivery: request.headers[HTTPField.Name("Linear-Delivery")!],
                                               signature: request.headers[HTTPField.Name("Linear-Signature")!], body: Data(body.readableBytesView))
        } else {
            reply = WebhookReply(status: 413, result: "too_large", message: "the body is larger than \(settings.maxBodyBytes) bytes")
        }
        let elapsed = start.duration(to: clock.now)
        metrics.webhook("linear_" + reply.result, seconds: elapsed.inSeconds)
        return Response(status: .init(code: reply.status), body: .init(byteBuffer: ByteBuffer(string: reply.message + "\n")))
    }
    router.get("/healthz") { _, _ in "ok\n" }
    addAdminRoutes(to: router, access: settings.admin, metrics: metrics, sources: sources)
    return router
}

private func receive(_ request: Request, settings: ServerSettings, intake: WebhookIntake) async -> WebhookReply {
    if let length = request.headers[.contentLength].flatMap(Int.init), length > settings.maxBodyBytes {
        return WebhookReply(status: 413, result: "too_large", message: "the body is larger than \(settings.maxBodyBytes) bytes")
    }
    var request = request
    let body: ByteBuffer
    do {
        body = try await request.collectBody(upTo: settings.maxBodyBytes)
    } catch {
        return WebhookReply(status: 413, result: "too_large", message: "the body is larger than \(settings.maxBodyBytes) bytes")
    }
    return await intake.receive(
        event: request.headers[HTTPField.Name("X-GitHub-Event")!], delivery: request.headers[HTTPField.Name("X-GitHub-Delivery")!],
        signature: request.headers[HTTPField.Name("X-Hub-Signature-256")!], body: Data(body.readableBytesView))
}

/// The server as a Hummingbird application with the worker pool (and any other service) beside it, and the admin
/// listener on 127.0.0.1 when `settings.adminPort` is set.
/// - Parameters:
///   - onRunning: called with the port once the server listens (port 0 picks a free one).
///   - onAdminRunning: called with the admin listener's port once it listens.
public func buildApplication(
    settings: ServerSettings, intake: WebhookIntake, metrics: ServerMetrics, sources: MetricsSources, services: [any Service],
    logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }, onAdminRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    var app = Application(
        router: buildRouter(settings: settings, intake: intake, metrics: metrics, sources: sources),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "fixloop"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.port) },
        logger: logger)
    for service in services { app.addServices(service) }
    if let adminPort = settings.adminPort {
        app.addServices(Application(
            router: buildAdminRouter(metrics: metrics, sources: sources),
            configuration: .init(address: .hostname("127.0.0.1", port: adminPort), serverName: "fixloop-admin"),
            onServerRunning: { channel in await onAdminRunning(channel.localAddress?.port ?? adminPort) },
            logger: logger))
    }
    return app
}

/// Runs the server and `services` until SIGTERM or SIGINT, then shuts down gracefully: the listener closes, the
/// worker pool takes no new job and lets running ones finish.
/// - Parameters:
///   - onRunning: called with the port once the server listens.
///   - onAdminRunning: called with the admin listener's port once it listens.
public func runServer(
    settings: ServerSettings, intake: WebhookIntake, metrics: ServerMetrics, sources: MetricsSources, services: [any Service],
    logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }, onAdminRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws {
    let app = buildApplication(settings: settings, intake: intake, metrics: metrics, sources: sources, services: services,
                               logger: logger, onRunning: onRunning, onAdminRunning: onAdminRunning)
    try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
}

/// Runs the server on `settings.host` (port 0 picks a free one) for the duration of `body`, which receives the
/// port; stopped on every path (`fixloop bench webhooks`).
public func withServer<T: Sendable>(
    settings: ServerSettings, intake: WebhookIntake, metrics: ServerMetrics, sources: MetricsSources, logger: Logger,
    isolation: isolated (any Actor)? = #isolation, _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = buildApplication(settings: settings, intake: intake, metrics: metrics, sources: sources, services: [], logger: logger) { port in
        continuation.yield(port)
        continuation.finish()
    }
    let task = Task { try await app.run() }
    var port = 0
    for await value in ports { port = value }
    defer { task.cancel() }
    guard port > 0 else { throw ServerError(code: "server.not_started", message: "The server did not start on \(settings.host):\(settings.port); check that the port is free.") }
    let result = try await body(port)
    task.cancel()
    _ = await task.result
    return result
}

/// A server failure a person can act on.
public struct ServerError: FixloopError {
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
