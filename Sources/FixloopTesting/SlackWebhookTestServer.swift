import FixloopCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A Slack incoming-webhook endpoint on loopback, answering as Slack does: `200 ok` for a message with `text` or
/// `blocks`, `400 invalid_payload` for a body that is not such JSON, `404 no_service` for a hook that does not exist
/// (or was revoked), and scripted `429` (with `Retry-After`) or other failures. Every message received is kept.
public struct SlackWebhookTestServer: Sendable {
    public let state: SlackWebhookTestState

    /// The one hook it serves: `POST /services/T00000000/B00000000/<secret>`.
    public static let hookPath = "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"

    public init() { state = SlackWebhookTestState() }

    /// Runs the server; the webhook is `server.baseURL` + ``hookPath``.
    public func run<T: Sendable>(isolation: isolated (any Actor)? = #isolation, _ body: (LoopbackServer) async throws -> T) async throws -> T {
        let router = Router()
        let state = self.state
        router.post("**") { request, _ in
            var request = request
            let data = try await request.collectBody(upTo: 1 << 20)
            let (status, headers, text) = await state.handle(path: request.uri.path, contentType: request.headers[.contentType],
                                                            body: Data(data.readableBytesView))
            var fields = HTTPFields()
            fields[.contentType] = "text/html"
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return try await LoopbackServer.with(router, body)
    }
}

/// The webhook's memory: messages received, and failures to answer with.
public actor SlackWebhookTestState {
    /// Messages accepted, as sent.
    public private(set) var messages: [JSONValue] = []
    /// Every request's path, accepted or not.
    public private(set) var attempts: [String] = []
    private var revoked = false
    private var scripted: [(status: Int, headers: [String: String], text: String)] = []

    init() {}

    /// The next `count` posts answer `429 rate_limited` with `Retry-After: retryAfter`.
    public func rateLimit(count: Int, retryAfter: Int = 1) {
        scripted += Array(repeating: (429, ["Retry-After": "\(retryAfter)"], "rate_limited"), count: count)
    }

    /// The hook is gone from now on, as when its app is removed: `404 no_service`.
    public func revoke() { revoked = true }

    func handle(path: String, contentType: String?, body: Data) -> (Int, [String: String], String) {
        attempts.append(path)
        guard path == SlackWebhookTestServer.hookPath, !revoked else { return (404, [:], "no_service") }
        if !scripted.isEmpty { let next = scripted.removeFirst(); return (next.status, next.headers, next.text) }
        guard contentType?.lowercased().hasPrefix("application/json") == true,
              let message = try? JSONDecoder().decode(JSONValue.self, from: body), case .object(let members) = message else {
            return (400, [:], "invalid_payload")
        }
        let text = members["text"]?.stringValue ?? ""
        let blocks = members["blocks"]?.arrayValue ?? []
        guard !text.isEmpty || !blocks.isEmpty else { return (400, [:], "no_text") }
        guard blocks.allSatisfy({ $0["type"] != nil }) else { return (400, [:], "invalid_blocks") }
        messages.append(message)
        return (200, [:], "ok")
    }
}
