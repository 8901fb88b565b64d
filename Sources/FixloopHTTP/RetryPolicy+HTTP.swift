import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension RetryPolicy {
    /// Sends `request` until `classifier` accepts the answer or the policy ends the retries.
    /// - Parameters:
    ///   - request: the request, sent as is each time.
    ///   - session: the session.
    ///   - timeout: the deadline of each exchange.
    ///   - classifier: which answers are final.
    /// - Returns: the last exchange, the attempts made and why the retries stopped; the client turns it into its
    ///   value or its own error.
    /// - Throws: `CancellationError`, or what the sleep throws.
    public func send(
        _ request: URLRequest, session: URLSession, timeout: Duration, classifier: RetryClassifier = .standard
    ) async throws -> RetryOutcome<HTTPExchangeResult> {
        try await run({ _ in try await session.exchange(request, timeout: timeout) },
                      decide: { classifier.decision(for: $0, now: now()) })
    }
}
