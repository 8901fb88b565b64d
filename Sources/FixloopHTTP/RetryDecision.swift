/// What one attempt's result calls for.
public enum RetryDecision: Sendable, Equatable {
    /// The result is final: a success, or a failure that trying again cannot fix.
    case accept
    /// Try again after the policy's back-off.
    case backOff
    /// Try again after the wait the server named (`Retry-After`, a rate-limit reset).
    case wait(Duration)
}

/// How a retried call ended, with its last result.
public struct RetryOutcome<Result> {
    /// Why the retries stopped.
    public enum Ending: Sendable, Equatable {
        /// The decision accepted the result.
        case accepted
        /// The last attempt allowed failed.
        case attemptsSpent
        /// The server asked for a wait longer than the policy's longest.
        case serverWaitTooLong(Duration)
        /// The next wait would have ended past the policy's deadline.
        case deadlinePassed
    }

    /// The last attempt's result.
    public var result: Result
    /// Attempts made.
    public var attempts: Int
    /// Why the retries stopped.
    public var ending: Ending
}

extension RetryOutcome: Sendable where Result: Sendable {}
