import FixloopCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A failed Linear call.
public struct LinearError: FixloopError, Equatable {
    public enum Kind: String, Sendable { case unauthorized, notFound = "not_found", rejected, rateLimited = "rate_limited", server, transport, decoding }
    public let kind: Kind
    public let message: String
    public init(kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var code: String { "linear.\(kind.rawValue)" }
}

extension LinearClient {
    private struct Envelope<T: Decodable>: Decodable {
        var data: T?
        var errors: [GraphQLError]?
    }

    struct GraphQLError: Decodable {
        var message: String
        var extensions: Extensions?
        struct Extensions: Decodable { var code: String? }
    }

    private struct Body: Encodable {
        var operationName: String
        var query: String
        var variables: [String: JSONValue]
    }

    func perform<T: Decodable>(_ operation: String, _ query: String, variables: [String: JSONValue]) async throws -> T {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.timeoutInterval = 60
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let key = apiKey.reveal()
        request.setValue(key.hasPrefix("lin_oauth") ? "Bearer \(key)" : key, forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONEncoder().encode(Body(operationName: operation, query: query, variables: variables))
        var attempt = 0
        while true {
            attempt += 1
            let data: Data
            let response: HTTPURLResponse
            do {
                let (received, answer) = try await session.data(for: request)
                guard let http = answer as? HTTPURLResponse else { throw URLError(.badServerResponse) }
                (data, response) = (received, http)
            } catch {
                guard attempt < maxAttempts else {
                    throw LinearError(kind: .transport, "\(operation) could not reach \(endpoint.host ?? "Linear"); check LINEAR_API_URL and the network.")
                }
                try await sleep(.seconds(1 << min(attempt, 5)))
                continue
            }
            let envelope = try? JSONDecoder().decode(Envelope<T>.self, from: data)
            let rateLimited = response.statusCode == 429 || (envelope?.errors?.contains { $0.extensions?.code == "RATELIMITED" } ?? false)
            if rateLimited, attempt < maxAttempts {
                let wait = Self.rateLimitWait(response)
                guard wait <= maxWait else { throw LinearError(kind: .rateLimited, "\(operation) is rate limited by Linear for longer than Fixloop waits; try again later.") }
                try await sleep(wait)
                continue
            }
            if response.statusCode >= 500, attempt < maxAttempts {
                try await sleep(.seconds(1 << min(attempt, 5)))
                continue
            }
            if response.statusCode == 401 || response.statusCode == 403 {
                throw LinearError(kind: .unauthorized, "\(operation) was refused by Linear (\(response.statusCode)); check that LINEAR_API_KEY is set and valid.")
            }
            if let errors = envelope?.errors, !errors.isEmpty {
                let said = apiKey.redact(errors.map(\.message).joined(separator: "; "))
                throw LinearError(kind: rateLimited ? .rateLimited : .rejected, "Linear refused \(operation): \(said.prefix(300)).")
            }
            guard (200..<300).contains(response.statusCode), let value = envelope?.data else {
                throw LinearError(kind: response.statusCode >= 500 ? .server : .decoding,
                                  "\(operation) answered \(response.statusCode) with a body Fixloop cannot read; check LINEAR_API_URL.")
            }
            return value
        }
    }

    static func rateLimitWait(_ response: HTTPURLResponse) -> Duration {
        if let retryAfter = response.value(forHTTPHeaderField: "Retry-After").flatMap(Int.init) { return .seconds(max(1, retryAfter)) }
        if let reset = response.value(forHTTPHeaderField: "x-ratelimit-requests-reset").flatMap(Double.init) {
            let seconds = reset > 1e12 ? reset / 1000 : reset
            return .seconds(max(1, Int(seconds - Date().timeIntervalSince1970) + 1))
        }
        return .seconds(30)
    }
}
