import FixloopCore

/// What can stop the scorer: an unreadable or undecodable export, a broken template.
///
/// A malformed line in an export is not an error; it is counted in the ``ImportReport`` and the import goes on.
/// Messages name files and line numbers, never event contents (they may hold personal data).
public struct ScorerError: FixloopError {
    /// What went wrong, with a stable code.
    public enum Kind: String, Sendable {
        /// The file could not be opened or read.
        case unreadableFile = "scorer.unreadable_file"
        /// The export's format could not be recognized from its first bytes.
        case unknownFormat = "scorer.unknown_format"
        /// A gzip stream or a zip archive is damaged.
        case corruptArchive = "scorer.corrupt_archive"
        /// A prompt template could not be parsed or needs a key its context does not have.
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

    /// The stable code, such as `scorer.unknown_format`.
    public var code: String { kind.rawValue }
}
