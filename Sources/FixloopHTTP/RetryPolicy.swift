import Foundation

/// When and how long to wait before trying a failed call again: the one retry mechanism of the model, GitHub and
/// Linear clients.
///
/// Back-off delays grow exponentially from ``initialDelay`` with jitter, capped at ``maxDelay``. A wait the server
/// names (`Retry-After`, a rate-limit reset) replaces the back-off: used as is up to ``longestServerWait``, and a
/// longer one ends the call; without ``longestServerWait`` it is cut to ``maxDelay``. ``deadline`` bounds all
/// attempts and waits together. The sleep, the jitter and the wall-clock time are injected so tests do not wait.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The base of the first back-off.
    public var initialDelay: Duration
    /// The longest back-off between attempts.
    public var maxDelay: Duration
    /// The longest wait a server may ask for; past it the call ends. Nil: a server's wait is cut to ``maxDelay``.
    public var longestServerWait: Duration?
    /// How long all attempts and waits of one call may take; a wait that would end past it is not begun.
    public var deadline: Duration?
    /// Waits for a duration; `Task.sleep` in the product, a recorder in tests.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A number in 0...1 for jitter; random in the product, fixed in tests.
    public var random: @Sendable () -> Double
    /// The wall-clock time, for `Retry-After` dates and reset times.
    public var now: @Sendable () -> Date

    /// The GitHub and Linear clients' policy: server errors and broken connections back off from 2 s (at most
    /// 32 s); a rate limit is waited out as the server names it, up to 120 s; 4 attempts in all.
    public static var trackerAPI: RetryPolicy {
        RetryPolicy(maxAttempts: 4, initialDelay: .seconds(2), maxDelay: .seconds(32), longestServerWait: .seconds(120))
    }

    /// Makes a policy.
    /// - Parameters:
    ///   - maxAttempts: attempts in all (at least 1).
    ///   - initialDelay: the base of the first back-off.
    ///   - maxDelay: the longest back-off.
    ///   - longestServerWait: the longest wait a server may ask for before the call ends; nil cuts it to `maxDelay`.
    ///   - deadline: the time all attempts of one call may take; nil for none.
    ///   - sleep: waits; `Task.sleep` unless a test records instead.
    ///   - random: jitter in 0...1.
    ///   - now: the wall-clock time.
    public init(
        maxAttempts: Int = 5, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(60),
        longestServerWait: Duration? = nil, deadline: Duration? = nil,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.longestServerWait = longestServerWait
        self.deadline = deadline
        self.sleep = sleep
        self.random = random
        self.now = now
    }

    /// The back-off before attempt `attempt + 1`, after `attempt` failed attempts, or the server's wait cut to
    /// ``maxDelay`` when it sent one.
    /// - Parameters:
    ///   - attempt: failed attempts so far (1 after the first failure).
    ///   - retryAfter: the server's wait, if it named one.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maxDelay) }
        let exponent = min(max(attempt, 1) - 1, 20)
        let ceiling = min(initialDelay * (1 << exponent), maxDelay)
        // Jitter between half the ceiling and the ceiling, so callers spread out but still back off.
        return ceiling * (0.5 + 0.5 * min(1, max(0, random())))
    }

    /// Runs `attempt` until `decide` accepts its result, the attempts are spent, the server asks for too long a
    /// wait or the deadline would pass; waits between attempts as decided.
    /// - Parameters:
    ///   - attempt: one try; gets its number (1 for the first). What it throws ends the call (cancellation too).
    ///   - decide: whether a result is final or calls for another attempt, and after what wait.
    ///   - willWait: told each wait before it begins, and whether the server named it (a rate limiter pauses).
    /// - Returns: the last result, the attempts made and why the loop ended.
    /// - Throws: what `attempt` or the sleep throws; `CancellationError` when the task is cancelled.
    public func run<Result>(
        _ attempt: (_ number: Int) async throws -> Result,
        decide: (Result) -> RetryDecision,
        willWait: (_ delay: Duration, _ serverNamed: Bool) async -> Void = { _, _ in }
    ) async throws -> RetryOutcome<Result> {
        let started = ContinuousClock.now
        var number = 0
        while true {
            number += 1
            try Task.checkCancellation()
            let result = try await attempt(number)
            let wait: Duration
            let serverNamed: Bool
            switch decide(result) {
            case .accept:
                return RetryOutcome(result: result, attempts: number, ending: .accepted)
            case .backOff:
                (wait, serverNamed) = (delay(afterAttempt: number, retryAfter: nil), false)
            case .wait(let named):
                if let longestServerWait, named > longestServerWait {
                    return RetryOutcome(result: result, attempts: number, ending: .serverWaitTooLong(named))
                }
                (wait, serverNamed) = (longestServerWait == nil ? min(named, maxDelay) : named, true)
            }
            guard number < maxAttempts else { return RetryOutcome(result: result, attempts: number, ending: .attemptsSpent) }
            if let deadline, ContinuousClock.now + wait - started > deadline {
                return RetryOutcome(result: result, attempts: number, ending: .deadlinePassed)
            }
            await willWait(wait, serverNamed)
            try await sleep(wait)
        }
    }
}
