import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The one-page server of `fixloop setup-app`, on 127.0.0.1: `GET /` is a form that posts the App manifest to
/// GitHub; GitHub creates the App and sends the browser to `GET /callback?code=…&state=…`, whose code is handed to
/// `finish` (which exchanges it and writes the files). The server stops after the first callback with the right state.
public enum AppSetupServer {
    /// What `finish` tells the browser and the caller.
    public struct Finished: Sendable {
        /// The page shown in the browser.
        public var page: String
        /// True when setup is over (success, or a failure that a new attempt would not fix).
        public var done: Bool

        public init(page: String, done: Bool) {
            self.page = page
            self.done = done
        }
    }

    /// Serves until a callback finishes setup.
    /// - Parameters:
    ///   - port: the port on 127.0.0.1 (0 picks a free one).
    ///   - state: the random value GitHub must send back (a callback without it is refused).
    ///   - form: the form page, given the callback URL `http://127.0.0.1:PORT/callback`.
    ///   - onListening: called with the server's base URL once it listens.
    ///   - finish: exchanges the code; its page goes to the browser.
    public static func run(
        port: Int, state: String, form: @escaping @Sendable (URL) -> String, onListening: @escaping @Sendable (URL) async -> Void,
        finish: @escaping @Sendable (String) async -> Finished
    ) async throws {
        let (finished, finishedContinuation) = AsyncStream<Void>.makeStream()
        let base = Mutex<URL?>(nil)
        let router = Router()
        router.get("/") { _, _ -> Response in
            let url = base.withLock { $0 } ?? URL(string: "http://127.0.0.1")!
            return html(form(url.appendingPathComponent("callback")))
        }
        router.get("/callback") { request, _ -> Response in
            guard request.uri.queryParameters["state"].map(String.init) == state else {
                return html(page("Not from this setup", "The callback's state does not match this run of fixloop setup-app; start again from its page."), status: .badRequest)
            }
            guard let code = request.uri.queryParameters["code"].map(String.init), !code.isEmpty else {
                return html(page("No code", "GitHub's redirect carried no code; start again from the setup page."), status: .badRequest)
            }
            let result = await finish(code)
            if result.done { finishedContinuation.yield() }
            return html(result.page)
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "fixloop-setup-app"),
            onServerRunning: { channel in
                let url = URL(string: "http://127.0.0.1:\(channel.localAddress?.port ?? port)")!
                base.withLock { $0 = url }
                await onListening(url)
            },
            logger: Logger(label: "setup-app", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await app.run() }
        for await _ in finished { break }
        // Let the browser's answer go out before the listener closes.
        try? await Task.sleep(for: .milliseconds(200))
        task.cancel()
        _ = await task.result
    }

    /// A small self-contained page.
    public static func page(_ title: String, _ text: String) -> String {
        "<!doctype html><meta charset=utf-8><title>\(escape(title))</title><body style=\"font:16px system-ui;max-width:40em;margin:3em auto\">"
            + "<h1>\(escape(title))</h1><p>\(escape(text))</p></body>"
    }

    /// `text` safe inside HTML text and attribute values.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
