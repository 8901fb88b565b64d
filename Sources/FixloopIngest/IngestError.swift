import FixloopCore

/// What can stop an import: an unreadable file, an export whose format is not recognized, a damaged archive.
///
/// A malformed line in an export is not an error; it is counted in the ``ImportReport`` and the import goes on.
/// Messages name files and line numbers, never event contents (they may hold personal data). The codes keep the
/// `scorer.` prefix they had when the import was part of the scorer, so scripts that match them go on working.
public struct IngestError: FixloopError {
    /// What went wrong, with a stable code.
    public enum Kind: String, Sendable {
        /// The file could not be opened or read.
        case unreadableFile = "scorer.unreadable_file"
        /// The export's format could not be recognized from its first bytes.
        case unknownFormat = "scorer.unknown_format"
        /// A gzip stream or a zip archive is damaged.
        case corruptArchive = "scorer.corrupt_archive"
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
