import FixloopCore
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
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let ticket = try await limiter?.acquire(spec, estimatedTokens: estimatedTokens)
            let failure: Failure
            do {
                let json = try await once(request)
                if let ticket { await limiter?.settle(ticket, actualTokens: usedTokens(json)) }
                return json
            } catch let caught as Failure {
                failure = caught
            }
            guard failure.error.isRetryable, attempt < retry.maxAttempts else {
                var error = failure.error
                error.attempts = attempt
                throw error
            }
            let delay = retry.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
            if failure.retryAfter != nil, let limiter { await limiter.pause(spec, for: delay) }
            try await retry.sleep(delay)
        }
    }

    private struct Failure: Error {
        var error: ModelError
        var retryAfter: Duration?
    }

    private func once(_ request: URLRequest) async throws -> JSONValue {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request, deadline: timeout)
        } catch ExchangeInterruption.timedOut {
            throw Failure(error: makeError(.timeout, status: nil, detail: "no answer within \(Self.describe(timeout))"))
        } catch let error as URLError {
            throw Failure(error: transportError(error))
        } catch let error as CancellationError {
            throw error
        } catch {
            // FoundationNetworking reports some failures as plain NSErrors; they are transport failures all the same.
            throw Failure(error: makeError(.connection, status: nil, detail: "the connection failed (\(type(of: error)))"))
        }
        guard let http = response as? HTTPURLResponse else {
            throw Failure(error: makeError(.malformedReply, status: nil, detail: "the response was not HTTP"))
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        if let limiter { await limiter.learn(spec, headers: headers) }
        let status = http.statusCode
        if (200..<300).contains(status) {
            do {
                return try JSONValue(parsing: data)
            } catch {
                throw Failure(error: makeError(.malformedReply, status: status,
                                                detail: "the body is not JSON (\(data.count) bytes: \(excerpt(data)))"))
            }
        }
        throw Failure(error: makeError(Self.kind(forStatus: status), status: status, detail: serverMessage(data)),
                      retryAfter: Self.retryAfter(headers))
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

    /// `retry-after-ms`, or `Retry-After` in seconds or as an HTTP date.
    static func retryAfter(_ headers: [String: String], now: Date = Date()) -> Duration? {
        if let text = headers["retry-after-ms"], let value = Double(text.trimmingCharacters(in: .whitespaces)) {
            return .milliseconds(Int(max(0, value)))
        }
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(text) { return .milliseconds(Int(max(0, seconds) * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .milliseconds(max(0, Int(date.timeIntervalSince(now) * 1000)))
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

    private func makeError(_ kind: ModelError.Kind, status: Int?, detail: String) -> ModelError {
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
