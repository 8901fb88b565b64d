import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP response as the retry loop and the clients read it: status, headers (names lowercased) and body.
public struct HTTPAnswer: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// The headers, names lowercased.
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// Makes an answer.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    /// A header's value by name, any case.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// True for a 2xx status.
    public var succeeded: Bool { (200..<300).contains(status) }
}

/// How one exchange ended: an answer, or no answer (connection failure, timeout).
public enum HTTPExchangeResult: Sendable {
    /// The server answered (any status).
    case answer(HTTPAnswer)
    /// No answer: `ExchangeInterruption.timedOut`, a `URLError`, or another transport failure.
    case noAnswer(any Error)
}

extension URLSession {
    /// Sends `request` once, within `timeout`; a missing answer is a result, not an error.
    /// - Throws: `CancellationError` only.
    public func exchange(_ request: URLRequest, timeout: Duration) async throws -> HTTPExchangeResult {
        do {
            let (data, response) = try await data(for: request, deadline: timeout)
            guard let http = response as? HTTPURLResponse else { return .noAnswer(URLError(.badServerResponse)) }
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
            }
            return .answer(HTTPAnswer(status: http.statusCode, headers: headers, body: data))
        } catch let error as CancellationError {
            throw error
        } catch {
            return .noAnswer(error)
        }
    }
}
