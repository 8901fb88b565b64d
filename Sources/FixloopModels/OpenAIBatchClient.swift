import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// OpenAI's Batch API over Chat Completions: the requests go up as a JSON-lines file (`POST /files`, purpose
/// `batch`), a batch is made of it (`POST /batches`, a 24-hour window), polled (`GET /batches/{id}`), and its
/// output and error files are read back (`GET /files/{id}/content`).
///
/// Each line's body is exactly what ``OpenAICompatibleModelClient`` sends for the same request, and each answer is
/// read by the same parser: the wire format is written once.
public struct OpenAIBatchClient: BatchClient {
    public var spec: ModelSpec { direct.spec }
    public var limits: BatchLimits { .openAI }
    private let direct: OpenAICompatibleModelClient

    /// Makes a client.
    /// - Parameters:
    ///   - model: the model name (`gpt-4.1-mini`).
    ///   - endpoint: the base URL (`…/v1`) and the key.
    ///   - retry: when to try an exchange again.
    ///   - timeout: how long one exchange may take (an upload of a large file included).
    ///   - session: the URL session.
    public init(model: String, endpoint: ModelEndpoint, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(300),
                session: URLSession = .shared) {
        direct = OpenAICompatibleModelClient(model: model, endpoint: endpoint, retry: retry, timeout: timeout, session: session)
    }

    private var transport: ModelHTTPTransport { direct.transport }

    private var headers: [String: String] {
        transport.endpoint.apiKey.map { ["Authorization": "Bearer \($0.reveal())"] } ?? [:]
    }

    /// The line of the input file for `request`.
    func line(for request: BatchRequest) -> Data {
        let line: JSONValue = [
            "custom_id": .string(request.customID), "method": "POST", "url": "/v1/chat/completions",
            "body": direct.body(for: request.request),
        ]
        return line.serialized() + Data("\n".utf8)
    }

    public func serializedSize(of request: BatchRequest) -> Int { line(for: request).count }

    public func submit(_ requests: [BatchRequest]) async throws -> String {
        var file = Data()
        for request in requests { file.append(line(for: request)) }
        let boundary = "fixloop-" + UUID().uuidString
        let upload = try transport.json(try await transport.exchange(
            method: "POST", url: transport.endpoint.url(appending: "/files"), headers: headers,
            body: (Self.multipart(file: file, boundary: boundary), "multipart/form-data; boundary=\(boundary)")))
        guard let fileID = upload["id"]?.stringValue else { throw malformed("the file upload's answer has no id") }
        let body: JSONValue = ["input_file_id": .string(fileID), "endpoint": "/v1/chat/completions", "completion_window": "24h"]
        let batch = try transport.json(try await transport.exchange(
            method: "POST", url: transport.endpoint.url(appending: "/batches"), headers: headers,
            body: (body.serialized(), "application/json")))
        guard let id = batch["id"]?.stringValue else { throw malformed("the batch's answer has no id") }
        return id
    }

    public func status(of batchID: String) async throws -> BatchStatus {
        let json = try transport.json(try await transport.exchange(
            method: "GET", url: transport.endpoint.url(appending: "/batches/\(Self.escaped(batchID))"), headers: headers))
        let state = json["status"]?.stringValue ?? ""
        let phase: BatchStatus.Phase
        switch state {
        case "validating", "in_progress", "finalizing", "cancelling": phase = .running
        case "completed": phase = .completed
        case "expired": phase = .expired
        case "cancelled": phase = .cancelled
        case "failed": phase = .failed
        default: throw malformed("the batch's status '\(state)' is not one of OpenAI's")
        }
        let counts = json["request_counts"]
        let reason = json["errors"]?["data"]?[0]?["message"]?.stringValue
        return BatchStatus(
            id: batchID, phase: phase, providerState: state, total: counts?["total"]?.intValue ?? 0,
            succeeded: counts?["completed"]?.intValue ?? 0, failed: counts?["failed"]?.intValue ?? 0,
            resultLocations: [json["output_file_id"]?.stringValue, json["error_file_id"]?.stringValue].compactMap { $0 },
            reason: reason)
    }

    public func results(of status: BatchStatus) async throws -> [String: BatchItemResult] {
        var results: [String: BatchItemResult] = [:]
        for fileID in status.resultLocations {
            let content = try await transport.exchange(
                method: "GET", url: transport.endpoint.url(appending: "/files/\(Self.escaped(fileID))/content"), headers: headers)
            for line in content.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
                let json = try transport.json(Data(line))
                guard let customID = json["custom_id"]?.stringValue else { throw malformed("a result line has no custom_id") }
                results[customID] = try result(of: json)
            }
        }
        return results
    }

    /// One line of an output or error file.
    private func result(of line: JSONValue) throws -> BatchItemResult {
        if let error = line["error"], error != .null {
            let code = error["code"]?.stringValue
            if code == "batch_expired" { return .expired }
            if code == "batch_cancelled" { return .cancelled }
            return .errored(ModelHTTPTransport.cut(error["message"]?.stringValue ?? code ?? "an error"))
        }
        guard let response = line["response"], let status = response["status_code"]?.intValue else {
            return .errored("the result line has neither a response nor an error")
        }
        guard (200..<300).contains(status), let body = response["body"] else {
            let message = response["body"]?["error"]?["message"]?.stringValue ?? "status \(status)"
            return .errored(ModelHTTPTransport.cut(message))
        }
        return .succeeded(try direct.parseReply(body))
    }

    static func multipart(file: Data, boundary: String) -> Data {
        var data = Data()
        func add(_ text: String) { data.append(Data(text.utf8)) }
        add("--\(boundary)\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n")
        add("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fixloop-batch.jsonl\"\r\n")
        add("Content-Type: application/jsonl\r\n\r\n")
        data.append(file)
        add("\r\n--\(boundary)--\r\n")
        return data
    }

    static func escaped(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? id
    }

    private func malformed(_ detail: String) -> ModelError {
        transport.makeError(.malformedReply, status: 200, detail: "the Batch API's reply is not understood: \(detail)")
    }
}
