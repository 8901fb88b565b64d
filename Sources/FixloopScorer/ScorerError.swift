import FixloopCore

/// What can stop the scorer: an unreadable product context, a missing grading template, a refused model call.
///
/// Import errors are `FixloopIngest`'s `IngestError`; template errors while rendering are `FixloopPrompts`'
/// `PromptError`. Messages never carry event contents (they may hold personal data).
public struct ScorerError: FixloopError {
    /// What went wrong, with a stable code.
    public enum Kind: String, Sendable {
        /// The file could not be opened or read.
        case unreadableFile = "scorer.unreadable_file"
        /// The grading needs a prompt template that is not there.
        case invalidTemplate = "scorer.invalid_template"
        /// The grading model declined the call before making it (a budget would be crossed).
        case modelRefused = "scorer.model_refused"
    }

    /// The kind, which gives the stable code.
    public var kind: Kind
    /// The sentence for people.
    public var message: String
    /// The underlying error, if any.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.kind = kind
        self.message = message
        self.underlying = underlying
    }

    /// The stable code, such as `scorer.invalid_template`.
    public var code: String { kind.rawValue }
}
