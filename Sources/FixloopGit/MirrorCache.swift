import CLibgit2
import FixloopCore
import Foundation

/// Bare mirrors of remotes under the state directory: created on first use, fetched on later ones,
/// checked on every open and rebuilt when damaged.
public struct MirrorCache: Sendable {
    /// The folder that holds one `<host>/<owner>/<name>.git` mirror per remote.
    public let root: URL

    /// - Parameter root: usually `StateDirectory.mirrors`.
    public init(root: URL) { self.root = root.standardizedFileURL }

    /// What a mirror update did.
    public struct Update: Sendable, Equatable {
        /// The bare mirror.
        public let directory: URL
        /// The remote's default branch, e.g. `main`, when it advertises one.
        public let defaultBranch: String?
        /// True when the mirror was created now (first use, or rebuilt after damage).
        public let created: Bool
        /// True when an existing mirror was found damaged and rebuilt.
        public let rebuilt: Bool
        /// Refs of a local source that point nowhere (a `refs/remotes/origin/HEAD` after a default-branch rename),
        /// left out of the mirror instead of failing the fetch.
        public let danglingReferences: [DanglingReference]
    }

    /// The mirror folder for `remote` (which may not exist yet).
    public func directory(for remote: RepositoryReference) -> URL {
        root.appendingPathComponent(remote.cacheKey + ".git", isDirectory: true)
    }

    /// Creates the mirror or fetches into it; a damaged mirror is rebuilt from the remote.
    /// - Parameters:
    ///   - remote: the repository to mirror.
    ///   - credentials: offered when the remote asks.
    ///   - progress: transfer counts while objects arrive.
    /// - Throws: ``GitError`` with kind `authentication`, `repository_not_found`, `fetch`, or `cancelled`.
    public func update(
        _ remote: RepositoryReference, credentials: GitCredentials = .none, progress: GitProgressHandler? = nil
    ) async throws -> Update {
        let directory = directory(for: remote)
        let root = self.root
        if remote.transport == .local || remote.transport == .file {
            guard FileManager.default.fileExists(atPath: remote.path) else {
                throw GitError(.repositoryNotFound, "The repository \(remote.path) does not exist; check the path.")
            }
        }
        return try await GitThread.run { cancellation in
            try FileTree.makeDirectory(directory.deletingLastPathComponent())
            return try withFileLock(directory.path + ".lock") {
                let callbacks = { RemoteCallbacks(credentials: credentials, progress: progress, cancellation: cancellation) }
                var rebuilt = false
                if FileManager.default.fileExists(atPath: directory.path) {
                    do {
                        let repository = try GitRepository.open(directory.path)
                        try Self.checkHealth(repository)
                        if repository.remoteURL() != remote.url { try repository.setConfig("remote.origin.url", remote.url) }
                        let fetched = try Self.fetchOrigin(repository, remote: remote, mirror: directory, callbacks: callbacks())
                        try Self.pointHead(repository, at: fetched)
                        return Update(directory: directory, defaultBranch: fetched.head.map(Self.shortBranch), created: false,
                                      rebuilt: false, danglingReferences: fetched.dangling)
                    } catch let error as GitError where error.kind == .open || error.kind == .corruptRepository {
                        try FileTree.forceRemove(directory)
                        rebuilt = true
                    }
                }
                let fetched = try Self.create(remote, at: directory, scratch: root, callbacks: callbacks())
                return Update(directory: directory, defaultBranch: fetched.head.map(Self.shortBranch), created: true,
                              rebuilt: rebuilt, danglingReferences: fetched.dangling)
            }
        }
    }

    /// Makes a new mirror in a scratch folder and renames it into place only after the first fetch succeeded,
    /// so a failed clone never leaves an empty mirror behind.
    private static func create(
        _ remote: RepositoryReference, at directory: URL, scratch: URL, callbacks: RemoteCallbacks
    ) throws -> Fetched {
        let temporary = directory.deletingLastPathComponent()
            .appendingPathComponent(".\(directory.lastPathComponent).tmp-\(UUID().uuidString)")
        defer { try? FileTree.forceRemove(temporary) }
        let fetched: Fetched
        do {
            let repository = try GitRepository.initialize(temporary.path, bare: true)
            var remoteHandle: OpaquePointer?
            try gitCheck(git_remote_create_with_fetchspec(&remoteHandle, repository.pointer, "origin", remote.url,
                                                          "+refs/heads/*:refs/heads/*"), .clone, "configuring the mirror of \(remote.url)")
            git_remote_free(remoteHandle)
            try gitCheck(git_remote_add_fetch(repository.pointer, "origin", "+refs/tags/*:refs/tags/*"), .clone,
                         "configuring the mirror of \(remote.url)")
            fetched = try fetchOrigin(repository, remote: remote, mirror: directory, callbacks: callbacks)
            try pointHead(repository, at: fetched)
        }
        guard rename(temporary.path, directory.path) == 0 else {
            throw GitError(.clone, "Cannot move the new mirror into \(directory.path): \(String(cString: strerror(errno))).")
        }
        return fetched
    }

    /// Reads every ref's target object and its tree: a damaged pack, a lost object or a garbled ref fails here.
    static func checkHealth(_ repository: GitRepository) throws {
        var head: OpaquePointer?
        let headCode = git_repository_head(&head, repository.pointer)
        git_reference_free(head)
        if headCode < 0 && headCode != GIT_EUNBORNBRANCH.rawValue {
            throw GitError(.corruptRepository, "HEAD of \(repository.path) cannot be read; the mirror is rebuilt.")
        }
        var iterator: OpaquePointer?
        try gitCheck(git_reference_iterator_new(&iterator, repository.pointer), .corruptRepository,
                     "listing the refs of \(repository.path)")
        defer { git_reference_iterator_free(iterator) }
        var reference: OpaquePointer?
        while true {
            let code = git_reference_next(&reference, iterator)
            if code == GIT_ITEROVER.rawValue { break }
            try gitCheck(code, .corruptRepository, "reading the refs of \(repository.path)")
            defer { git_reference_free(reference) }
            var resolved: OpaquePointer?
            guard git_reference_resolve(&resolved, reference) == 0 else {
                throw GitError(.corruptRepository, "A ref in \(repository.path) points nowhere; the mirror is rebuilt.")
            }
            defer { git_reference_free(resolved) }
            var object: OpaquePointer?
            try gitCheck(git_reference_peel(&object, resolved, GIT_OBJECT_ANY), .corruptRepository,
                         "reading an object of \(repository.path)")
            defer { git_object_free(object) }
            if git_object_type(object) == GIT_OBJECT_COMMIT {
                var tree: OpaquePointer?
                try gitCheck(git_commit_tree(&tree, object), .corruptRepository, "reading a tree of \(repository.path)")
                git_tree_free(tree)
            }
        }
    }

    /// Resolves `revision` (nil: the mirror's HEAD) to a commit id in the mirror at `directory`.
    static func resolve(_ revision: String?, in directory: URL) throws -> String {
        let repository = try GitRepository.open(directory.path)
        return hex(try repository.resolveCommit(revision ?? "HEAD"))
    }

    private static func shortBranch(_ reference: String) -> String {
        reference.hasPrefix("refs/heads/") ? String(reference.dropFirst("refs/heads/".count)) : reference
    }
}

extension GitRepository {
    /// The configured URL of `origin`, if any.
    func remoteURL(_ name: String = "origin") -> String? {
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, pointer, name) == 0 else { return nil }
        defer { git_remote_free(remote) }
        return git_remote_url(remote).map { String(cString: $0) }
    }
}
