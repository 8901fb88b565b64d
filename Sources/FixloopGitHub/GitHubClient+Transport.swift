import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension GitHubClient {
    func send<T: Decodable>(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: [String: JSONValue]? = nil
    ) async throws -> T {
        let data = try await raw(method, path, query: query, body: body)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw GitHubError(.decoding, status: 200, "\(method) \(path) answered with JSON Fixloop cannot read (\(T.self)); check GITHUB_API_URL points at a GitHub API.")
        }
    }

    /// Sends one request, waiting out rate limits and retrying server errors (``retry``); returns the body of a 2xx answer.
    func raw(_ method: String, _ path: String, query: [URLQueryItem], body: [String: JSONValue]?) async throws -> Data {
        try await answer(method, path, query: query, body: body).body
    }

    /// ``raw(_:_:query:body:)``'s answer; with `stoppingAtRedirects` a redirect is not followed but returned, so its
    /// target can be fetched without the token (``jobLog(_:_:job:)``).
    func answer(
        _ method: String, _ path: String, query: [URLQueryItem], body: [String: JSONValue]?, stoppingAtRedirects: Bool = false
    ) async throws -> HTTPAnswer {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        // Only a backstop: the exchange has its own 60 s deadline.
        request.timeoutInterval = 65
        request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
        request.setValue("2022-11-28", forHTTPHeaderField: "X-GitHub-Api-Version")
        request.setValue("fixloop", forHTTPHeaderField: "User-Agent")
        if let token { request.setValue("Bearer \(token.reveal())", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = try JSONEncoder().encode(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let outcome = try await retry.send(
            request, session: stoppingAtRedirects ? RedirectRefusal.session : session, timeout: .seconds(60), classifier: Self.retryClassifier)
        let answer: HTTPAnswer
        switch outcome.result {
        case .noAnswer(let error):
            throw GitHubError(.transport, status: nil, "\(method) \(path) could not reach \(baseURL.host ?? "GitHub") (\(describe(error))); check GITHUB_API_URL and the network.")
        case .answer(let received):
            answer = received
        }
        if answer.succeeded || (stoppingAtRedirects && (300..<400).contains(answer.status)) { return answer }
        if case .serverWaitTooLong(let wait) = outcome.ending {
            throw GitHubError(.rateLimited, status: answer.status, "\(method) \(path) is rate limited for \(wait.components.seconds) s, longer than Fixloop waits; try again later.")
        }
        var error = GitHubError.from(status: answer.status, method: method, path: path, serverMessage: Self.serverMessage(answer.body))
        if let token { error = GitHubError(error.kind, status: error.status, token.redact(error.message)) }
        throw error
    }

    /// GitHub's rate limits in front of the standard decision: a 429 or 403 with `Retry-After` (secondary limit),
    /// a 403 with `x-ratelimit-remaining: 0` (primary limit, until `x-ratelimit-reset`), and a secondary limit
    /// named only in the message (60 s). Any other 403 is final.
    static let retryClassifier = RetryClassifier.standard.preceded { answer, now in
        guard answer.status == 429 || answer.status == 403 else { return nil }
        if let retryAfter = RetryHeaders.retryAfter(answer.headers, now: now) { return .wait(max(retryAfter, .seconds(1))) }
        if answer.header("x-ratelimit-remaining") == "0",
           let reset = RetryHeaders.untilReset("x-ratelimit-reset", in: answer.headers, now: now) {
            return .wait(reset)
        }
        if answer.status == 429 || (serverMessage(answer.body)?.lowercased().contains("secondary rate limit") ?? false) {
            return .wait(.seconds(60))
        }
        return .accept
    }

    static func serverMessage(_ data: Data) -> String? {
        struct Message: Decodable { var message: String? }
        return (try? JSONDecoder().decode(Message.self, from: data))?.message
    }

    private func describe(_ error: Error) -> String {
        if case ExchangeInterruption.timedOut = error { return "no answer within 60 s" }
        return (error as? URLError).map { "URL error \($0.code.rawValue)" } ?? "connection failed"
    }
}
