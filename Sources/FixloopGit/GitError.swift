import CLibgit2
import FixloopCore

/// Every failure of the git layer: a stable code, the libgit2 class and code when libgit2 raised it,
/// and one sentence that says what failed, on which repository or ref, why, and what to do.
public struct GitError: FixloopError, Equatable {
    /// What kind of operation failed; the stable part of ``code``.
    public enum Kind: String, Sendable {
        case open, initialize, clone, fetch, checkout, revision, status, diff, commit, branch, push
        case pushRejected = "push_rejected"
        case authentication
        case repositoryNotFound = "repository_not_found"
        case corruptRepository = "corrupt_repository"
        case ownership
        /// A checkout would pass `[git] max_checkout_files` or `max_checkout_mb`.
        case checkoutTooLarge = "checkout_too_large"
        /// A symbolic ref points at a ref that does not exist.
        case danglingReference = "dangling_reference"
        /// A local source is a partial clone lacking objects Fixloop needs.
        case partialClone = "partial_clone"
        /// A local source lacks an object its refs need.
        case missingObject = "missing_object"
        case workspace
        case cancelled
    }

    /// What failed.
    public let kind: Kind
    /// The sentence shown to people.
    public let message: String
    /// libgit2's error class (`git_error_t`), when libgit2 raised the error.
    public let libgit2Class: Int32?
    /// libgit2's return code (`git_error_code`), when libgit2 raised the error.
    public let libgit2Code: Int32?

    public var code: String { "git.\(kind.rawValue)" }

    /// Builds an error from the layer's own knowledge.
    public init(_ kind: Kind, _ message: String, libgit2Class: Int32? = nil, libgit2Code: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.libgit2Class = libgit2Class
        self.libgit2Code = libgit2Code
    }

    /// Builds an error from libgit2's last error on this thread, refining the kind from the code and class.
    static func fromLibgit2(code: Int32, kind: Kind, what: String) -> GitError {
        let last = Libgit2.lastError()
        let reason = last?.message ?? "libgit2 returned \(code)"
        let klass = last?.klass
        var refined = kind
        var hint = hint(for: kind)
        if code == GIT_EAUTH.rawValue || reason.contains("authentication") || reason.contains("401") {
            refined = .authentication
            hint = "check that the token or SSH key has access to this repository"
        } else if code == GIT_EOWNER.rawValue {
            refined = .ownership
            hint = "the repository belongs to another user; run Fixloop as its owner or add it to safe.directory"
        } else if code == GIT_ENONFASTFORWARD.rawValue {
            refined = .pushRejected
            hint = "the remote branch moved; fetch and rebase, or push with force for Fixloop's own branches"
        } else if code == GIT_ENOTFOUND.rawValue, klass == Int32(GIT_ERROR_REFERENCE.rawValue) {
            refined = .danglingReference
            hint = "a ref points at a ref that does not exist; repair or delete it (git symbolic-ref, git update-ref -d)"
        } else if let klass, [GIT_ERROR_ODB, GIT_ERROR_ZLIB, GIT_ERROR_INDEXER].map({ Int32($0.rawValue) }).contains(klass) {
            refined = .corruptRepository
            hint = "the object database is damaged; remove it and fetch again"
        } else if reason.contains("404") || reason.contains("not found") || reason.contains("failed to resolve path")
                    || reason.contains("could not find repository") {
            if kind == .clone || kind == .fetch || kind == .push {
                refined = .repositoryNotFound
                hint = "check the URL or path and that the token can see the repository"
            }
        }
        return GitError(refined, "\(capitalized(what)) failed: \(trimmed(reason)); \(hint).",
                        libgit2Class: klass, libgit2Code: code)
    }

    private static func hint(for kind: Kind) -> String {
        switch kind {
        case .open: return "check that the path is a git repository"
        case .revision: return "check that the branch, tag or commit exists on the remote"
        case .fetch, .clone: return "check the URL, the network and the credentials"
        case .push: return "check the remote URL and that the token may push to it"
        case .checkout: return "check that the workspace is writable and has room"
        default: return "run again; if it persists, report it with this message"
        }
    }

    private static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }

    private static func trimmed(_ text: String) -> String {
        var text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
