import CLibgit2
import Foundation

/// Owns one `git_repository` handle. Lives inside a single ``GitThread`` call and never leaves it.
final class GitRepository {
    let pointer: OpaquePointer
    /// The path it was opened at, for messages.
    let path: String

    private init(pointer: OpaquePointer, path: String) {
        self.pointer = pointer
        self.path = path
    }

    deinit { git_repository_free(pointer) }

    /// Opens the repository at exactly `path` (no search upwards).
    static func open(_ path: String) throws -> GitRepository {
        var raw: OpaquePointer?
        try gitCheck(
            git_repository_open_ext(&raw, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil),
            .open, "opening the repository at \(path)")
        return GitRepository(pointer: raw!, path: path)
    }

    /// Creates an empty repository.
    static func initialize(_ path: String, bare: Bool) throws -> GitRepository {
        var raw: OpaquePointer?
        try gitCheck(git_repository_init(&raw, path, bare ? 1 : 0), .initialize, "creating a repository at \(path)")
        return GitRepository(pointer: raw!, path: path)
    }

    /// Wraps a handle libgit2 gave back (from `git_clone`).
    static func adopt(_ raw: OpaquePointer, path: String) -> GitRepository {
        GitRepository(pointer: raw, path: path)
    }

    /// The commit a revision names: a branch, tag, full or short object id, or `HEAD`, peeled to a commit.
    func resolveCommit(_ revision: String) throws -> git_oid {
        var object: OpaquePointer?
        let candidates = [revision, "refs/heads/\(revision)", "refs/tags/\(revision)", "refs/remotes/origin/\(revision)"]
        for candidate in candidates where git_revparse_single(&object, pointer, candidate) == 0 {
            defer { git_object_free(object) }
            var commit: OpaquePointer?
            guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0 else { continue }
            defer { git_object_free(commit) }
            return git_object_id(commit).pointee
        }
        throw GitError(.revision, "The revision '\(revision)' was not found in \(path); check that the branch, tag or commit exists on the remote.")
    }

    /// Runs `body` with a looked-up commit.
    func withCommit<T>(_ oid: git_oid, _ body: (OpaquePointer) throws -> T) throws -> T {
        var id = oid
        var commit: OpaquePointer?
        try gitCheck(git_commit_lookup(&commit, pointer, &id), .revision, "reading commit \(hex(oid)) in \(path)")
        defer { git_commit_free(commit) }
        return try body(commit!)
    }

    /// The commit HEAD points at, or nil when HEAD is unborn.
    func headCommit() throws -> git_oid? {
        var oid = git_oid()
        let code = git_reference_name_to_id(&oid, pointer, "HEAD")
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EUNBORNBRANCH.rawValue { return nil }
        try gitCheck(code, .revision, "reading HEAD in \(path)")
        return oid
    }

    /// The branch HEAD is on, or nil when detached or unborn.
    func currentBranch() -> String? {
        var reference: OpaquePointer?
        guard git_repository_head(&reference, pointer) == 0 else { return nil }
        defer { git_reference_free(reference) }
        guard git_reference_is_branch(reference) == 1, let name = git_reference_shorthand(reference) else { return nil }
        return String(cString: name)
    }

    /// Sets one configuration value in the repository's own config file.
    func setConfig(_ key: String, _ value: String) throws {
        var config: OpaquePointer?
        try gitCheck(git_repository_config(&config, pointer), .open, "reading the configuration of \(path)")
        defer { git_config_free(config) }
        try gitCheck(git_config_set_string(config, key, value), .open, "setting \(key) in \(path)")
    }
}
