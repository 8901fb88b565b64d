import FixloopCore
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

    /// Sends one request, waiting out rate limits and retrying server errors; returns the body of a 2xx answer.
    func raw(_ method: String, _ path: String, query: [URLQueryItem], body: [String: JSONValue]?) async throws -> Data {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        request.timeoutInterval = 60
        request.setValue("application/vnd.github+json", forHTTPHeaderField: "Accept")
        request.setValue("2022-11-28", forHTTPHeaderField: "X-GitHub-Api-Version")
        request.setValue("fixloop", forHTTPHeaderField: "User-Agent")
        if let token { request.setValue("Bearer \(token.reveal())", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = try JSONEncoder().encode(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        var attempt = 0
        while true {
            attempt += 1
            let data: Data
            let response: HTTPURLResponse
            do {
                let (received, answer) = try await session.data(for: request)
                guard let http = answer as? HTTPURLResponse else { throw URLError(.badServerResponse) }
                data = received
                response = http
            } catch {
                guard attempt < maxAttempts else {
                    throw GitHubError(.transport, status: nil, "\(method) \(path) could not reach \(baseURL.host ?? "GitHub") (\(describe(error))); check GITHUB_API_URL and the network.")
                }
                try await sleep(.seconds(1 << min(attempt, 5)))
                continue
            }
            if (200..<300).contains(response.statusCode) { return data }
            let message = Self.serverMessage(data)
            if attempt < maxAttempts, let wait = rateLimitWait(response, message: message) {
                guard wait <= maxWait else {
                    throw GitHubError(.rateLimited, status: response.statusCode, "\(method) \(path) is rate limited for \(wait.components.seconds) s, longer than Fixloop waits; try again later.")
                }
                try await sleep(wait)
                continue
            }
            if response.statusCode >= 500, attempt < maxAttempts {
                try await sleep(.seconds(1 << min(attempt, 5)))
                continue
            }
            var error = GitHubError.from(status: response.statusCode, method: method, path: path, serverMessage: message)
            if let token { error = GitHubError(error.kind, status: error.status, token.redact(error.message)) }
            throw error
        }
    }

    /// How long to wait before retrying, when the answer is a rate limit; nil otherwise.
    func rateLimitWait(_ response: HTTPURLResponse, message: String?) -> Duration? {
        let status = response.statusCode
        guard status == 429 || status == 403 else { return nil }
        if let retryAfter = response.value(forHTTPHeaderField: "Retry-After").flatMap(Int.init) {
            return .seconds(max(retryAfter, 1))
        }
        if response.value(forHTTPHeaderField: "x-ratelimit-remaining") == "0",
           let reset = response.value(forHTTPHeaderField: "x-ratelimit-reset").flatMap(Double.init) {
            return .seconds(max(1, Int(reset - Date().timeIntervalSince1970) + 1))
        }
        if status == 429 || (message?.lowercased().contains("secondary rate limit") ?? false) { return .seconds(60) }
        return nil
    }

    static func serverMessage(_ data: Data) -> String? {
        struct Message: Decodable { var message: String? }
        return (try? JSONDecoder().decode(Message.self, from: data))?.message
    }

    private func describe(_ error: Error) -> String {
        (error as? URLError).map { "URL error \($0.code.rawValue)" } ?? "connection failed"
    }
}
