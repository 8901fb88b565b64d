import FixloopCore
import FixloopHTTP

extension RetryPolicy {
    /// The policy the `[models]` table describes: a server's `Retry-After` is cut to the longest back-off.
    public init(settings: ModelSettings) {
        self.init(
            maxAttempts: settings.maxAttempts, initialDelay: .milliseconds(settings.initialBackoffMilliseconds),
            maxDelay: .seconds(settings.maxBackoffSeconds))
    }
}
