import FixloopCore
import FixloopHTTP
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
        let key = apiKey.reveal()
        let reply = try await retry.postJSON(Body(operationName: operation, query: query, variables: variables), to: endpoint,
                                             headers: ["Authorization": key.hasPrefix("lin_oauth") ? "Bearer \(key)" : key],
                                             session: session, timeout: .seconds(60), classifier: Self.retryClassifier)
        let answer: HTTPAnswer
        switch reply {
        case .noAnswer:
            throw LinearError(kind: .transport, "\(operation) could not reach \(endpoint.host ?? "Linear"); check LINEAR_API_URL and the network.")
        case .serverWaitTooLong:
            throw LinearError(kind: .rateLimited, "\(operation) is rate limited by Linear for longer than Fixloop waits; try again later.")
        case .answer(let last):
            answer = last
        }
        let envelope = answer.decoded(Envelope<T>.self)
        if answer.status == 401 || answer.status == 403 {
            throw LinearError(kind: .unauthorized, "\(operation) was refused by Linear (\(answer.status)); check that LINEAR_API_KEY is set and valid.")
        }
        if let errors = envelope?.errors, !errors.isEmpty {
            let said = apiKey.redact(errors.map(\.message).joined(separator: "; "))
            let rateLimited = answer.status == 429 || Self.isRateLimited(answer.body)
            throw LinearError(kind: rateLimited ? .rateLimited : .rejected, "Linear refused \(operation): \(said.prefix(300)).")
        }
        guard answer.succeeded, let value = envelope?.data else {
            throw LinearError(kind: answer.status >= 500 ? .server : .decoding,
                              "\(operation) answered \(answer.status) with a body Fixloop cannot read; check LINEAR_API_URL.")
        }
        return value
    }

    /// Linear's rate limit in front of the standard decision: HTTP 429 or a GraphQL error with
    /// `extensions.code: RATELIMITED` (often with status 200 or 400), waited until `Retry-After`, else until
    /// `x-ratelimit-requests-reset`, else 30 s.
    static let retryClassifier = RetryClassifier.standard.preceded { answer, now in
        guard answer.status == 429 || isRateLimited(answer.body) else { return nil }
        let wait = RetryHeaders.retryAfter(answer.headers, now: now).map { max($0, .seconds(1)) }
            ?? RetryHeaders.untilReset("x-ratelimit-requests-reset", in: answer.headers, now: now)
            ?? .seconds(30)
        return .wait(wait)
    }

    /// True when the body is a GraphQL answer with a `RATELIMITED` error.
    static func isRateLimited(_ body: Data) -> Bool {
        struct Errors: Decodable { var errors: [GraphQLError]? }
        return (try? JSONDecoder().decode(Errors.self, from: body))?.errors?.contains { $0.extensions?.code == "RATELIMITED" } ?? false
    }
}
