import FixloopCore

/// When and how long to wait before trying a failed model call again.
///
/// Delays grow exponentially from ``initialDelay`` with full jitter, capped at ``maxDelay``; a server's
/// `Retry-After` replaces the computed delay (capped too). The sleep is injected so tests do not really wait.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The base of the first retry's delay.
    public var initialDelay: Duration
    /// The longest delay between attempts.
    public var maxDelay: Duration
    /// Waits for a duration; `Task.sleep` in the product, a recorder in tests.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A number in 0...1 for jitter; random in the product, fixed in tests.
    public var random: @Sendable () -> Double

    /// Makes a policy.
    public init(
        maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
        self.random = random
    }

    /// The policy the `[models]` table describes.
    public init(settings: ModelSettings) {
        self.init(
            maxAttempts: settings.maxAttempts, initialDelay: .milliseconds(settings.initialBackoffMilliseconds),
            maxDelay: .seconds(settings.maxBackoffSeconds))
    }

    /// The delay before attempt `attempt + 1`, after `attempt` failed attempts.
    /// - Parameters:
    ///   - attempt: failed attempts so far (1 after the first failure).
    ///   - retryAfter: the server's `Retry-After`, if it sent one.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maxDelay) }
        let exponent = min(attempt - 1, 20)
        let ceiling = min(initialDelay * (1 << exponent), maxDelay)
        // Full jitter: anywhere between half the ceiling and the ceiling, so callers spread out but still back off.
        return ceiling * (0.5 + 0.5 * random())
    }
}
