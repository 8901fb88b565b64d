/// What applying a patch did: always a value, whether it applied or not.
public struct PatchApplication: Sendable, Equatable, Codable {
    /// True when every hunk applied.
    public var applied: Bool
    /// The workspace-relative paths the patch touches.
    public var files: [String]
    /// How it applied: `git apply`, `git apply --ignore-whitespace`, `patch --fuzz=3`; nil when it did not.
    public var method: String?
    /// Why it did not apply; nil when it did.
    public var failure: PatchFailure?

    /// Creates an application result.
    public init(applied: Bool, files: [String], method: String?, failure: PatchFailure?) {
        self.applied = applied
        self.files = files
        self.method = method
        self.failure = failure
    }
}

/// Why a patch did not apply, naming the file and the hunk when they are known.
public struct PatchFailure: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Why: `refused` (unsafe path), `empty`, `malformed`, `conflict` (a hunk did not match), `missing_file`.
    public var reason: String
    /// The workspace-relative file, when known.
    public var file: String?
    /// The 1-based hunk number within that file, when known.
    public var hunk: Int?
    /// One line of detail from the applier or the safety check.
    public var detail: String

    /// Creates a failure.
    public init(reason: String, file: String? = nil, hunk: Int? = nil, detail: String) {
        self.reason = reason
        self.file = file
        self.hunk = hunk
        self.detail = detail
    }

    public var description: String {
        var where_ = file.map { " in \($0)" } ?? ""
        if let hunk { where_ += " (hunk \(hunk))" }
        return "\(reason)\(where_): \(detail)"
    }
}
