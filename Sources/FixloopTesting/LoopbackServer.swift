import Foundation
import Hummingbird
import Logging
import NIOCore

/// An HTTP server on 127.0.0.1 with a free port, for protocol doubles; stopped when the scope ends.
public struct LoopbackServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    /// `http://127.0.0.1:PORT`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Starts `router` on a free loopback port, runs `body`, and stops the server on every path.
    public static func with<T: Sendable>(
        _ router: Router<BasicRequestContext>,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (LoopbackServer) async throws -> T
    ) async throws -> T {
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "fixloop-loopback"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: Logger(label: "loopback", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let task = Task { try await app.run() }
        var port = 0
        for await value in portStream { port = value }
        guard port > 0 else {
            task.cancel()
            throw LoopbackServerError()
        }
        do {
            let result = try await body(LoopbackServer(port: port))
            task.cancel()
            _ = await task.result
            return result
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }
}

/// The loopback server did not start.
public struct LoopbackServerError: Error, CustomStringConvertible {
    public var description: String { "The loopback test server did not report a port." }
}
