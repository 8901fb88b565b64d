import CLibgit2
import Foundation

/// A ref of a local source repository that points nowhere: a symbolic ref whose target branch is gone (a
/// `refs/remotes/origin/HEAD` after a default-branch rename) or a ref to an object the repository lacks.
public struct DanglingReference: Sendable, Equatable, CustomStringConvertible {
    /// The ref, e.g. `refs/remotes/origin/HEAD` or `HEAD`.
    public let name: String
    /// What it points at: a ref name, or an object id that is missing.
    public let target: String

    public var description: String { "\(name) → \(target)" }

    /// True when `revision`, as `resolveCommit` reads it, names this ref.
    func isNamed(by revision: String) -> Bool {
        [revision, "refs/heads/\(revision)", "refs/tags/\(revision)"].contains(name)
    }
}

extension MirrorCache.Update {
    /// The real cause when `revision` did not resolve in the mirror because the source's ref for it dangles.
    /// - Parameters:
    ///   - revision: what was asked for; nil for the default branch.
    ///   - source: the repository, for the message.
    func danglingCause(of revision: String?, source: String) -> GitError? {
        guard let revision else {
            guard let head = danglingReferences.first(where: { $0.name == "HEAD" }) else { return nil }
            return GitError(.danglingReference,
                "The repository \(source) has no default branch to check out: its HEAD points at \(head.target), which does not exist; name a branch, tag or commit, or point HEAD at an existing branch (git symbolic-ref HEAD refs/heads/BRANCH).")
        }
        guard let ref = danglingReferences.first(where: { $0.isNamed(by: revision) }) else { return nil }
        return GitError(.danglingReference,
            "The revision '\(revision)' of \(source) is the ref \(ref.name), which points at \(ref.target), which does not exist; name another revision, or repair the ref in \(source) (git symbolic-ref, or git update-ref -d).")
    }
}

extension LocalSourceView {
    /// The real cause of a fetch from the local repository at `path` that failed for want of an object: a partial
    /// clone (blobs left on its promisor remote), or a damaged object database.
    static func explain(_ error: GitError, source path: String) -> GitError {
        guard error.libgit2Class == Int32(GIT_ERROR_ODB.rawValue), error.libgit2Code == GIT_ENOTFOUND.rawValue else { return error }
        let object = error.message.firstMatch(of: #/[0-9a-f]{40}/#).map { String($0.output) } ?? "an object"
        if let promisor = promisorRemote(of: path) {
            return GitError(.partialClone,
                "The repository \(path) is a partial clone (its remote '\(promisor)' is a promisor) and lacks object \(object), which Fixloop needs and does not fetch on demand; point Fixloop at the repository it was cloned from, or use a full clone (git clone without --filter).",
                libgit2Class: error.libgit2Class, libgit2Code: error.libgit2Code)
        }
        return GitError(.missingObject,
            "The repository \(path) lacks object \(object), which its branches or tags need; run git fsck there and restore the object, or point Fixloop at another copy of the repository.",
            libgit2Class: error.libgit2Class, libgit2Code: error.libgit2Code)
    }

    /// The remote a partial clone fetches missing objects from (`remote.NAME.promisor`, or the older
    /// `extensions.partialclone`), or nil for a complete repository.
    static func promisorRemote(of path: String) -> String? {
        guard let repository = try? GitRepository.open(path) else { return nil }
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, repository.pointer) == 0 else { return nil }
        defer { git_config_free(config) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        if git_config_get_string_buf(&buffer, config, "extensions.partialclone") == 0, let name = buffer.ptr {
            return String(cString: name)
        }
        var iterator: OpaquePointer?
        guard git_config_iterator_glob_new(&iterator, config, #"^remote\..*\.promisor$"#) == 0 else { return nil }
        defer { git_config_iterator_free(iterator) }
        var entry: UnsafeMutablePointer<git_config_entry>?
        while git_config_next(&entry, iterator) == 0, let current = entry?.pointee {
            var enabled: Int32 = 0
            guard git_config_parse_bool(&enabled, current.value) == 0, enabled == 1 else { continue }
            let key = String(cString: current.name)  // remote.NAME.promisor
            return String(key.dropFirst("remote.".count).dropLast(".promisor".count))
        }
        return nil
    }
}
