import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Anthropic's Message Batches: the requests go up in one body (`POST /v1/messages/batches`, `requests:
/// [{custom_id, params}]`), the batch is polled (`GET /v1/messages/batches/{id}`: `processing_status`,
/// `request_counts`) and, once `ended`, its results are read as JSON lines from `results_url`.
///
/// Each request's `params` are exactly what ``AnthropicModelClient`` sends for the same request (prompt-cache
/// breakpoints included), and each message is read by the same parser.
public struct AnthropicBatchClient: BatchClient {
    public var spec: ModelSpec { direct.spec }
    public var limits: BatchLimits { .anthropic }
    private let direct: AnthropicModelClient

    /// Makes a client.
    /// - Parameters:
    ///   - model: the model name (`claude-sonnet-4-5`).
    ///   - endpoint: the base URL (without `/v1`) and the key.
    ///   - retry: when to try an exchange again.
    ///   - timeout: how long one exchange may take.
    ///   - session: the URL session.
    public init(model: String, endpoint: ModelEndpoint, retry: RetryPolicy = RetryPolicy(), timeout: Duration = .seconds(300),
                session: URLSession = .shared) {
        direct = AnthropicModelClient(model: model, endpoint: endpoint, retry: retry, timeout: timeout, session: session)
    }

    private var transport: ModelHTTPTransport { direct.transport }

    private var headers: [String: String] {
        var headers = ["anthropic-version": AnthropicModelClient.apiVersion]
        if let key = transport.endpoint.apiKey { headers["x-api-key"] = key.reveal() }
        return headers
    }

    func member(for request: BatchRequest) -> JSONValue {
        ["custom_id": .string(request.customID), "params": direct.body(for: request.request)]
    }

    public func serializedSize(of request: BatchRequest) -> Int { member(for: request).serialized().count + 1 }

    public func submit(_ requests: [BatchRequest]) async throws -> String {
        let body: JSONValue = ["requests": .array(requests.map(member(for:)))]
        let json = try transport.json(try await transport.exchange(
            method: "POST", url: transport.endpoint.url(appending: "/v1/messages/batches"), headers: headers,
            body: (body.serialized(), "application/json")))
        guard let id = json["id"]?.stringValue else { throw malformed("the batch's answer has no id") }
        return id
    }

    public func status(of batchID: String) async throws -> BatchStatus {
        let json = try transport.json(try await transport.exchange(
            method: "GET", url: transport.endpoint.url(appending: "/v1/messages/batches/\(OpenAIBatchClient.escaped(batchID))"),
            headers: headers))
        let state = json["processing_status"]?.stringValue ?? ""
        let counts = json["request_counts"]
        func count(_ name: String) -> Int { counts?[name]?.intValue ?? 0 }
        let phase: BatchStatus.Phase
        switch state {
        case "in_progress", "canceling": phase = .running
        case "ended":
            phase = count("expired") > 0 ? .expired : count("canceled") > 0 ? .cancelled : .completed
        default: throw malformed("the batch's processing_status '\(state)' is not one of Anthropic's")
        }
        let failed = count("errored") + count("expired") + count("canceled")
        return BatchStatus(
            id: batchID, phase: phase, providerState: state, total: count("processing") + count("succeeded") + failed,
            succeeded: count("succeeded"), failed: failed,
            resultLocations: [json["results_url"]?.stringValue].compactMap { $0 })
    }

    public func results(of status: BatchStatus) async throws -> [String: BatchItemResult] {
        var results: [String: BatchItemResult] = [:]
        for location in status.resultLocations {
            let content = try await transport.exchange(method: "GET", url: try resultsURL(location), headers: headers)
            for line in content.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 32 || $0 == 13 }) {
                let json = try transport.json(Data(line))
                guard let customID = json["custom_id"]?.stringValue, let result = json["result"] else {
                    throw malformed("a result line has no custom_id or result")
                }
                results[customID] = try item(result)
            }
        }
        return results
    }

    private func item(_ result: JSONValue) throws -> BatchItemResult {
        switch result["type"]?.stringValue {
        case "succeeded":
            guard let message = result["message"] else { return .errored("a succeeded result has no message") }
            return .succeeded(try direct.parseReply(message))
        case "expired": return .expired
        case "canceled": return .cancelled
        default:
            let error = result["error"]?["error"] ?? result["error"]
            return .errored(ModelHTTPTransport.cut(error?["message"]?.stringValue ?? error?["type"]?.stringValue ?? "an error"))
        }
    }

    /// `results_url` when it is on the endpoint's host (the key goes with the request), else refused.
    private func resultsURL(_ location: String) throws -> URL {
        guard let url = URL(string: location), url.host == transport.endpoint.baseURL.host,
              url.scheme == transport.endpoint.baseURL.scheme, url.port == transport.endpoint.baseURL.port else {
            throw malformed("results_url '\(ModelHTTPTransport.cut(location, limit: 120))' is not on the API's host, so the key is not sent there")
        }
        return url
    }

    private func malformed(_ detail: String) -> ModelError {
        transport.makeError(.malformedReply, status: 200, detail: "the Message Batches reply is not understood: \(detail)")
    }
}
