/// An error a person can act on: a stable code for scripts and a one-sentence message for people.
///
/// Each module has one public error type that conforms to this protocol. The message says what failed,
/// the value involved, the cause and what to do; it never carries a token, a secret or personal data.
public protocol FixloopError: Error, CustomStringConvertible, Sendable {
    /// A stable, dotted identifier such as `git.push_rejected`; scripts may match on it.
    var code: String { get }
    /// One sentence: what failed, the value, the cause, and what to do.
    var message: String { get }
}

extension FixloopError {
    public var description: String { message }
}

/// The process exit codes every command keeps to, so scripts can rely on them.
public enum ExitStatus: Int32, Sendable {
    /// The job succeeded: the patch resolved, the ticket was fixed, the report was written.
    case success = 0
    /// The job ran and its answer is negative: not resolved, not fixed.
    case negative = 1
    /// The job could not run: bad input, bad configuration, an unavailable dependency, or not built yet.
    case error = 2
}
