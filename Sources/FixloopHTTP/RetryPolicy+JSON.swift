import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How a JSON call through the retries ended, as a client turns it into its value or its own error.
public enum HTTPReply: Sendable {
    /// The server's last answer, any status: the one the classifier accepted, or the last when the attempts or the
    /// deadline were spent.
    case answer(HTTPAnswer)
    /// The server asked for a wait (`Retry-After`, a rate-limit reset) longer than the policy's longest; its answer.
    case serverWaitTooLong(Duration, HTTPAnswer)
    /// No attempt got an answer (connection failures, timeouts); the last failure and the attempts made.
    case noAnswer(any Error, attempts: Int)
}

extension RetryOutcome where Result == HTTPExchangeResult {
    /// The outcome as a client reads it.
    public var reply: HTTPReply {
        switch (result, ending) {
        case (.noAnswer(let error), _): return .noAnswer(error, attempts: attempts)
        case (.answer(let answer), .serverWaitTooLong(let wait)): return .serverWaitTooLong(wait, answer)
        case (.answer(let answer), _): return .answer(answer)
        }
    }
}

extension HTTPAnswer {
    /// The body decoded as JSON into `type`; nil when it is not that.
    public func decoded<T: Decodable>(_ type: T.Type) -> T? { try? JSONDecoder().decode(type, from: body) }
}

extension RetryPolicy {
    /// The one JSON-over-HTTP transport of the PostHog, Linear and Slack clients: encodes `body` (a plain
    /// `JSONEncoder`, keys as the provider spells them), POSTs it to `url` with `Content-Type: application/json`
    /// and `headers`, and sends it until `classifier` accepts the answer or the policy ends the retries.
    /// - Parameters:
    ///   - body: the request's JSON body.
    ///   - url: where to post it.
    ///   - headers: more headers (authorization, a user agent); one named `Content-Type` replaces the default.
    ///   - session: the session.
    ///   - timeout: the deadline of each exchange (`URLRequest.timeoutInterval`, an idle backstop, is 5 s longer).
    ///   - classifier: which answers are final; the provider's rate-limit signals go in front of ``RetryClassifier/standard``.
    /// - Returns: the last answer, or why there is none; the client classifies the status and decodes the body.
    /// - Throws: the encoder's error, `CancellationError`, or what the sleep throws.
    public func postJSON<Body: Encodable>(
        _ body: Body, to url: URL, headers: [String: String] = [:], session: URLSession, timeout: Duration,
        classifier: RetryClassifier = .standard
    ) async throws -> HTTPReply {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = Double(timeout.components.seconds) + 5
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = try JSONEncoder().encode(body)
        return try await send(request, session: session, timeout: timeout, classifier: classifier).reply
    }
}
