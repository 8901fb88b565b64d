/// One path's state in `git status` terms.
public struct GitStatusEntry: Sendable, Equatable, Hashable {
    /// The kind of change.
    public enum Change: String, Sendable, Hashable {
        case added, modified, deleted, renamed, typeChanged = "type_changed", untracked, ignored, conflicted
    }

    public let path: String
    /// The old path of a rename.
    public let oldPath: String?
    public let change: Change
    /// True when the change is staged in the index.
    public let staged: Bool

    public init(path: String, oldPath: String? = nil, change: Change, staged: Bool) {
        self.path = path
        self.oldPath = oldPath
        self.change = change
        self.staged = staged
    }
}

/// A workspace's changes against its base commit, as text a person or a model can read and `git apply` accepts.
public struct GitDiff: Sendable, Equatable {
    /// One changed file.
    public struct File: Sendable, Equatable {
        public let path: String
        public let oldPath: String?
        public let change: GitStatusEntry.Change
        /// Octal modes as git writes them (`100644`, `100755`, `120000`); nil when the side does not exist.
        public let oldMode: String?
        public let newMode: String?
        public let isBinary: Bool
        public let additions: Int
        public let deletions: Int
    }

    /// The unified diff, `diff --git` headers, modes, renames and binary patches included.
    public let patch: String
    public let files: [File]

    /// Lines added plus lines removed, over all text files.
    public var changedLines: Int { files.reduce(0) { $0 + $1.additions + $1.deletions } }
    public var isEmpty: Bool { files.isEmpty }
}

/// Who a commit is by.
public struct GitSignature: Sendable, Equatable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }
}
