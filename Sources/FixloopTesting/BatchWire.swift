import FixloopCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The port a server learns once it runs, for the absolute `results_url` it hands out.
final class PortBox: Sendable {
    private let value = Mutex(0)
    func set(_ port: Int) { value.withLock { $0 = port } }
    var port: Int { value.withLock { $0 } }
}

/// The loopback batch server's handlers: each protocol's bodies in, its JSON out.
struct BatchWire: Sendable {
    let wireProtocol: LoopbackModelServer.WireProtocol
    let state: BatchServerState
    let port: PortBox

    // MARK: OpenAI

    func upload(_ request: Request) async throws -> Response {
        let body = try await Self.body(request)
        guard let file = Self.multipartFile(body, contentType: request.headers[.contentType] ?? ""),
              Self.multipartField("purpose", in: body) == "batch" else {
            return error(400, "expected a multipart upload with purpose=batch and a file")
        }
        let id = await state.storeFile(file)
        return json(["id": .string(id), "object": "file", "bytes": .integer(file.count), "purpose": "batch"])
    }

    func createOpenAI(_ request: Request) async throws -> Response {
        let body = try JSONValue(parsing: try await Self.body(request))
        guard body["endpoint"]?.stringValue == "/v1/chat/completions", body["completion_window"]?.stringValue == "24h",
              let fileID = body["input_file_id"]?.stringValue, let file = await state.file(fileID) else {
            return error(400, "expected input_file_id of an uploaded file, endpoint /v1/chat/completions, completion_window 24h")
        }
        var requests: [(String, JSONValue)] = []
        for line in file.split(separator: UInt8(ascii: "\n")) {
            let item = try JSONValue(parsing: Data(line))
            guard let id = item["custom_id"]?.stringValue, item["method"]?.stringValue == "POST",
                  item["url"]?.stringValue == "/v1/chat/completions", let inner = item["body"] else {
                return error(400, "a line lacks custom_id, method POST, url /v1/chat/completions or body")
            }
            requests.append((id, inner))
        }
        let batch = await state.makeBatch(prefix: "batch_", requests: requests)
        return json(openAIBatch(batch))
    }

    func fileContent(_ id: String) async throws -> Response {
        if let file = await state.file(id) { return raw(200, String(decoding: file, as: UTF8.self), type: "application/octet-stream") }
        // Output and error files are made on demand: `out-<batch>` and `err-<batch>`.
        let parts = id.split(separator: "-", maxSplits: 1).map(String.init)
        guard parts.count == 2, let batch = await state.batch(parts[1]), batch.hasEnded else { return error(404, "no file \(id)") }
        var lines: [String] = []
        for (index, request) in batch.requests.enumerated() {
            let failure = batch.failure(at: index)
            if parts[0] == "out", failure == nil {
                let reply = ModelWireReplies(wireProtocol: .openAI, model: request.body["model"]?.stringValue ?? "model")
                    .textReply(batch.plan.reply(request.body), input: batch.plan.inputTokens, output: batch.plan.outputTokens, cached: 0)
                lines.append(JSONValue.object([
                    "id": .string("batch_req_\(index)"), "custom_id": .string(request.customID), "error": .null,
                    "response": ["status_code": 200, "request_id": .string("req_\(index)"), "body": reply]]).jsonText)
            } else if parts[0] == "err", let failure {
                let line: JSONValue
                switch failure {
                case .expired:
                    line = ["id": .string("batch_req_\(index)"), "custom_id": .string(request.customID), "response": .null,
                            "error": ["code": "batch_expired", "message": "This request could not be executed before the completion window expired."]]
                default:
                    line = ["id": .string("batch_req_\(index)"), "custom_id": .string(request.customID), "error": .null,
                            "response": ["status_code": 400, "request_id": .string("req_\(index)"),
                                         "body": ["error": ["message": "loopback: request refused on purpose", "type": "invalid_request_error"]]]]
                }
                lines.append(line.jsonText)
            }
        }
        return raw(200, lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"), type: "application/octet-stream")
    }

    private func openAIBatch(_ batch: LoopbackBatch) -> JSONValue {
        let states = ["validating", "in_progress", "finalizing"]
        var status = states[min(batch.polls, states.count - 1)]
        var object: [String: JSONValue] = [
            "id": .string(batch.id), "object": "batch", "endpoint": "/v1/chat/completions", "completion_window": "24h",
            "input_file_id": "file-in", "output_file_id": .null, "error_file_id": .null, "errors": .null,
        ]
        var completed = 0
        var failed = 0
        if batch.hasEnded {
            for index in batch.requests.indices { if batch.failure(at: index) == nil { completed += 1 } else { failed += 1 } }
            switch batch.plan.ending {
            case .completed: status = "completed"
            case .expired: status = "expired"
            case .failed(let reason):
                status = "failed"
                object["errors"] = ["object": "list", "data": [["code": "invalid_file", "message": .string(reason)]]]
                completed = 0
                failed = 0
            }
            if status != "failed" {
                if completed > 0 { object["output_file_id"] = .string("out-\(batch.id)") }
                if failed > 0 { object["error_file_id"] = .string("err-\(batch.id)") }
            }
        }
        object["status"] = .string(status)
        object["request_counts"] = ["total": .integer(batch.requests.count), "completed": .integer(completed), "failed": .integer(failed)]
        return .object(object)
    }

    // MARK: Anthropic

    func createAnthropic(_ request: Request) async throws -> Response {
        let body = try JSONValue(parsing: try await Self.body(request))
        guard let items = body["requests"]?.arrayValue, !items.isEmpty else { return error(400, "requests: expected a non-empty array") }
        var requests: [(String, JSONValue)] = []
        for item in items {
            guard let id = item["custom_id"]?.stringValue, let params = item["params"],
                  id.range(of: "^[a-zA-Z0-9_-]{1,64}$", options: .regularExpression) != nil else {
                return error(400, "each request needs a custom_id matching ^[a-zA-Z0-9_-]{1,64}$ and params")
            }
            requests.append((id, params))
        }
        let batch = await state.makeBatch(prefix: "msgbatch_", requests: requests)
        return json(anthropicBatch(batch))
    }

    func poll(_ id: String) async throws -> Response {
        guard let batch = await state.poll(id) else { return error(404, "no batch \(id)") }
        return json(wireProtocol == .openAI ? openAIBatch(batch) : anthropicBatch(batch))
    }

    func anthropicResults(_ id: String) async throws -> Response {
        guard let batch = await state.batch(id), batch.hasEnded else { return error(404, "batch \(id) has not ended") }
        var lines: [String] = []
        for (index, request) in batch.requests.enumerated() {
            let result: JSONValue
            switch batch.failure(at: index) {
            case nil:
                result = ["type": "succeeded", "message": ModelWireReplies(wireProtocol: .anthropic, model: request.body["model"]?.stringValue ?? "model")
                    .textReply(batch.plan.reply(request.body), input: batch.plan.inputTokens, output: batch.plan.outputTokens, cached: 0)]
            case .expired?: result = ["type": "expired"]
            case .cancelled?: result = ["type": "canceled"]
            default:
                result = ["type": "errored", "error": ["type": "error", "error": ["type": "invalid_request_error", "message": "loopback: request refused on purpose"]]]
            }
            lines.append(JSONValue.object(["custom_id": .string(request.customID), "result": result]).jsonText)
        }
        return raw(200, lines.joined(separator: "\n") + "\n", type: "application/binary")
    }

    private func anthropicBatch(_ batch: LoopbackBatch) -> JSONValue {
        var counts: [String: Int] = ["processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0]
        if batch.hasEnded {
            for index in batch.requests.indices {
                switch batch.failure(at: index) {
                case nil: counts["succeeded", default: 0] += 1
                case .expired?: counts["expired", default: 0] += 1
                case .cancelled?: counts["canceled", default: 0] += 1
                default: counts["errored", default: 0] += 1
                }
            }
        } else {
            counts["processing"] = batch.requests.count
        }
        return [
            "id": .string(batch.id), "type": "message_batch",
            "processing_status": batch.hasEnded ? "ended" : "in_progress",
            "request_counts": .object(counts.mapValues { .integer($0) }),
            "results_url": batch.hasEnded ? .string("http://127.0.0.1:\(port.port)/v1/messages/batches/\(batch.id)/results") : .null,
        ]
    }

    /// A direct call, answered at once with the set plan's reply.
    func direct(_ request: Request) async throws -> Response {
        let body = try JSONValue(parsing: try await Self.body(request))
        let plan = await state.directCall(body)
        return json(ModelWireReplies(wireProtocol: wireProtocol, model: body["model"]?.stringValue ?? "model")
            .textReply(plan.reply(body), input: plan.inputTokens, output: plan.outputTokens, cached: 0))
    }

    // MARK: Plumbing

    static func body(_ request: Request) async throws -> Data {
        var request = request
        return Data(try await request.collectBody(upTo: 64 * 1024 * 1024).readableBytesView)
    }

    /// The bytes of the `file` part of a multipart body.
    static func multipartFile(_ body: Data, contentType: String) -> Data? {
        guard let boundary = contentType.components(separatedBy: "boundary=").last, contentType.contains("boundary="),
              let header = body.range(of: Data("name=\"file\"".utf8)),
              let start = body.range(of: Data("\r\n\r\n".utf8), in: header.upperBound..<body.endIndex),
              let end = body.range(of: Data("\r\n--\(boundary)".utf8), in: start.upperBound..<body.endIndex) else { return nil }
        return body.subdata(in: start.upperBound..<end.lowerBound)
    }

    static func multipartField(_ name: String, in body: Data) -> String? {
        guard let header = body.range(of: Data("name=\"\(name)\"\r\n\r\n".utf8)),
              let end = body.range(of: Data("\r\n".utf8), in: header.upperBound..<body.endIndex) else { return nil }
        return String(decoding: body.subdata(in: header.upperBound..<end.lowerBound), as: UTF8.self)
    }

    private func error(_ status: Int, _ message: String) -> Response {
        let body: JSONValue = wireProtocol == .openAI
            ? ["error": ["message": .string(message), "type": "invalid_request_error"]]
            : ["type": "error", "error": ["type": "invalid_request_error", "message": .string(message)]]
        return raw(status, body.jsonText, type: "application/json")
    }

    private func json(_ value: JSONValue) -> Response { raw(200, value.jsonText, type: "application/json") }

    private func raw(_ status: Int, _ text: String, type: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: type],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
