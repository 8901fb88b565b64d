import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Posts one JSON request for a model client, with the rate limiter, the timeout and the retries around it.
///
/// Both wire protocols share it; it knows HTTP and the providers' error shapes, not their message formats.
struct ModelHTTPTransport: Sendable {
    let spec: ModelSpec
    let endpoint: ModelEndpoint
    let session: URLSession
    let retry: RetryPolicy
    let timeout: Duration
    let limiter: RateLimiter?

    /// Posts `body` to `path` and returns the parsed JSON reply.
    /// - Parameter usedTokens: reads the tokens really used from the reply, to settle the rate limiter.
    /// - Throws: ``ModelError`` once the attempts are spent or the failure is not retryable; `CancellationError`.
    func post(
        path: String, headers: [String: String], body: JSONValue, estimatedTokens: Int,
        usedTokens: (JSONValue) -> Int
    ) async throws -> JSONValue {
        var request = URLRequest(url: endpoint.url(appending: path))
        request.httpMethod = "POST"
        request.httpBody = body.serialized()
        // Only a backstop: the deadline is enforced by `data(for:deadline:)`.
        request.timeoutInterval = Double(timeout.components.seconds) + 5
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let outcome = try await retry.run({ _ in
            let ticket = try await limiter?.acquire(spec, estimatedTokens: estimatedTokens)
            let exchange = try await session.exchange(request, timeout: timeout)
            if case .answer(let answer) = exchange, let limiter { await limiter.learn(spec, headers: answer.headers) }
            return Attempt(ticket: ticket, exchange: exchange)
        }, decide: { RetryClassifier.standard.decision(for: $0.exchange, now: retry.now()) }, willWait: { delay, serverNamed in
            // A wait the server named holds back every caller of this model, not only this one.
            if serverNamed, let limiter { await limiter.pause(spec, for: delay) }
        })
        do {
            let json = try value(of: outcome.result.exchange)
            if let ticket = outcome.result.ticket { await limiter?.settle(ticket, actualTokens: usedTokens(json)) }
            return json
        } catch var error as ModelError {
            error.attempts = outcome.attempts
            throw error
        }
    }

    private struct Attempt: Sendable {
        var ticket: RateLimiter.Ticket?
        var exchange: HTTPExchangeResult
    }

    /// Sends one request that is not a model call (the batch interfaces' files and batches): the retries and the
    /// provider's errors as for a call, no rate limiter (it is not a model call) and no token estimate.
    /// - Parameters:
    ///   - method: `GET` or `POST`.
    ///   - url: the whole URL (under the endpoint).
    ///   - body: the body and its content type, for a `POST`.
    /// - Returns: the body of the 2xx answer.
    /// - Throws: ``ModelError`` once the attempts are spent or the failure is not retryable; `CancellationError`.
    func exchange(method: String, url: URL, headers: [String: String], body: (Data, contentType: String)? = nil) async throws -> Data {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = Double(timeout.components.seconds) + 5
        if let body {
            request.httpBody = body.0
            request.setValue(body.contentType, forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let outcome = try await retry.send(request, session: session, timeout: timeout)
        do {
            return try answerBody(of: outcome.result)
        } catch var error as ModelError {
            error.attempts = outcome.attempts
            throw error
        }
    }

    /// Parses a body as JSON, or throws the malformed-reply error.
    func json(_ body: Data) throws -> JSONValue {
        do {
            return try JSONValue(parsing: body)
        } catch {
            throw makeError(.malformedReply, status: 200, detail: "the body is not JSON (\(body.count) bytes: \(excerpt(body)))")
        }
    }

    /// The reply's JSON, or the error the exchange amounts to.
    private func value(of exchange: HTTPExchangeResult) throws -> JSONValue {
        let body = try answerBody(of: exchange)
        do {
            return try JSONValue(parsing: body)
        } catch {
            throw makeError(.malformedReply, status: 200,
                            detail: "the body is not JSON (\(body.count) bytes: \(excerpt(body)))")
        }
    }

    /// The body of a 2xx answer, or the error the exchange amounts to.
    private func answerBody(of exchange: HTTPExchangeResult) throws -> Data {
        let answer: HTTPAnswer
        switch exchange {
        case .noAnswer(ExchangeInterruption.timedOut):
            throw makeError(.timeout, status: nil, detail: "no answer within \(Self.describe(timeout))")
        case .noAnswer(let error as URLError):
            throw transportError(error)
        case .noAnswer(let error):
            // FoundationNetworking reports some failures as plain NSErrors; they are transport failures all the same.
            throw makeError(.connection, status: nil, detail: "the connection failed (\(type(of: error)))")
        case .answer(let received):
            answer = received
        }
        guard answer.succeeded else {
            throw makeError(Self.kind(forStatus: answer.status), status: answer.status, detail: serverMessage(answer.body))
        }
        return answer.body
    }

    static func kind(forStatus status: Int) -> ModelError.Kind {
        switch status {
        case 429: return .rateLimited
        case 408: return .timeout
        case 401, 403: return .unauthorized
        case 404: return .notFound
        case 500...: return .serverError
        default: return .badRequest
        }
    }

    private func transportError(_ error: URLError) -> ModelError {
        switch error.code {
        case .timedOut:
            return makeError(.timeout, status: nil, detail: "no answer within \(Self.describe(timeout))")
        case .badServerResponse, .cannotParseResponse:
            return makeError(.connection, status: nil, detail: "the response was cut off or unreadable (\(error.code.rawValue))")
        default:
            return makeError(.connection, status: nil, detail: "the connection failed (URLError \(error.code.rawValue))")
        }
    }

    func makeError(_ kind: ModelError.Kind, status: Int?, detail: String) -> ModelError {
        ModelError(kind: kind, model: spec.description, baseURL: endpoint.baseURLText, status: status, detail: redact(detail))
    }

    /// The provider's own error message when the body has one (`{"error": {"message": …}}`), else an excerpt.
    private func serverMessage(_ data: Data) -> String {
        if let json = try? JSONValue(parsing: data),
           let text = json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue ?? json["message"]?.stringValue {
            return "the server said '\(Self.cut(text))'"
        }
        return data.isEmpty ? "the body was empty" : "the server said '\(excerpt(data))'"
    }

    private func excerpt(_ data: Data) -> String { Self.cut(String(decoding: data.prefix(400), as: UTF8.self)) }

    private func redact(_ text: String) -> String { endpoint.apiKey?.redact(text) ?? text }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) seconds" : "\(milliseconds) ms"
    }

    static func cut(_ text: String, limit: Int = 200) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit)) + "…"
    }
}
