import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Subprocess

/// A smart-HTTP git server on loopback: git's own `http-backend` behind Basic authentication with a token,
/// serving the bare repositories under `root` (`http://127.0.0.1:PORT/NAME.git`).
public struct GitHTTPServer: Sendable {
    /// The folder of bare repositories.
    public let root: URL
    /// The password every request must carry; nil serves without authentication.
    public let token: String?

    public init(root: URL, token: String?) {
        self.root = root
        self.token = token
    }

    /// Runs the server for the duration of `body`.
    public func run<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (LoopbackServer) async throws -> T
    ) async throws -> T {
        let router = Router()
        let handler = self
        router.on("**", method: .get) { request, _ in try await handler.respond(to: request) }
        router.on("**", method: .post) { request, _ in try await handler.respond(to: request) }
        return try await LoopbackServer.with(router, body)
    }

    private func authorized(_ request: Request) -> Bool {
        guard let token else { return true }
        guard let header = request.headers[.authorization], header.hasPrefix("Basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6))),
              let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":") else { return false }
        return pair[pair.index(after: colon)...] == token
    }

    private func respond(to request: Request) async throws -> Response {
        guard authorized(request) else {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"fixloop-test\""])
        }
        var request = request
        let body = try await request.collectBody(upTo: 256 << 20)
        var environment: [Subprocess.Environment.Key: String?] = [
            "GIT_PROJECT_ROOT": root.path, "GIT_HTTP_EXPORT_ALL": "1", "REMOTE_USER": "tester",
            "REMOTE_ADDR": "127.0.0.1", "REQUEST_METHOD": request.method.rawValue,
            "PATH_INFO": request.uri.path, "QUERY_STRING": request.uri.query ?? "",
            "CONTENT_TYPE": request.headers[.contentType] ?? "", "CONTENT_LENGTH": String(body.readableBytes),
            "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent",
        ]
        if let encoding = request.headers[.contentEncoding] { environment["HTTP_CONTENT_ENCODING"] = encoding }
        if let protocolHeader = request.headers[HTTPField.Name("Git-Protocol")!] { environment["GIT_PROTOCOL"] = protocolHeader }
        let result = try await Subprocess.run(
            .name("git"), arguments: ["http-backend"], environment: .inherit.updating(environment),
            input: .array(Array(body.readableBytesView)), output: .bytes(limit: 256 << 20), error: .discarded)
        return Self.parseCGI(result.standardOutput)
    }

    /// Turns CGI output (headers, a blank line, the body) into a response.
    static func parseCGI(_ output: [UInt8]) -> Response {
        var headerEnd = output.count
        var bodyStart = output.count
        for index in output.indices where output[index] == 10 {
            if index + 1 < output.count, output[index + 1] == 10 { headerEnd = index; bodyStart = index + 2; break }
            if index + 2 < output.count, output[index + 1] == 13, output[index + 2] == 10 { headerEnd = index; bodyStart = index + 3; break }
        }
        var status = HTTPResponse.Status.ok
        var headers = HTTPFields()
        let headerText = String(decoding: output[..<headerEnd], as: UTF8.self)
        for line in headerText.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name.lowercased() == "status", let code = Int(value.prefix(3)) {
                status = HTTPResponse.Status(code: code)
            } else if let field = HTTPField.Name(name) {
                headers.append(HTTPField(name: field, value: value))
            }
        }
        let body = bodyStart < output.count ? Array(output[bodyStart...]) : []
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
