import CLibgit2
import FixloopCore
import Foundation

/// A non-bare repository on disk, addressed by path. Every method opens the repository on a git thread,
/// does its work and closes it again, so values of this type can be passed between tasks freely.
public struct GitWorkingCopy: Sendable, Equatable {
    /// The working tree (the folder that holds `.git`).
    public let directory: URL

    public init(directory: URL) { self.directory = directory.standardizedFileURL }

    /// Creates an empty repository with an unborn HEAD on `initialBranch`.
    public static func initialize(at directory: URL, initialBranch: String = "main") async throws -> GitWorkingCopy {
        let copy = GitWorkingCopy(directory: directory)
        try await GitThread.run { _ in
            let repository = try GitRepository.initialize(directory.path, bare: false)
            try gitCheck(git_repository_set_head(repository.pointer, "refs/heads/\(initialBranch)"), .initialize,
                         "naming the first branch \(initialBranch)")
        }
        return copy
    }

    /// Creates an empty bare repository (a remote to push to) with HEAD naming `initialBranch`.
    public static func initializeBare(at directory: URL, initialBranch: String = "main") async throws {
        try await GitThread.run { _ in
            let repository = try GitRepository.initialize(directory.path, bare: true)
            try gitCheck(git_repository_set_head(repository.pointer, "refs/heads/\(initialBranch)"), .initialize,
                         "naming the first branch \(initialBranch)")
        }
    }

    /// The status against HEAD, untracked files listed one by one; ignored ones too when asked.
    public func status(includeIgnored: Bool = false) async throws -> [GitStatusEntry] {
        try await withRepository { try $0.status(includeIgnored: includeIgnored) }
    }

    /// The diff from `base` to the working tree: new, deleted, renamed, mode-changed and binary files included.
    public func diff(from base: String) async throws -> GitDiff {
        try await withRepository { repository in try repository.diff(from: try repository.resolveCommit(base)) }
    }

    /// Stages everything (additions, edits, deletions) and commits on HEAD.
    /// - Returns: the new commit's id.
    @discardableResult
    public func commitAll(message: String, author: GitSignature) async throws -> String {
        try await withRepository { hex(try $0.commitAll(message: message, author: author)) }
    }

    /// Creates branch `name` at HEAD and switches to it unless `checkout` is false.
    public func createBranch(_ name: String, checkout: Bool = true, force: Bool = false) async throws {
        try await withRepository { try $0.createBranch(name, checkout: checkout, force: force) }
    }

    /// The current branch, or nil when HEAD is detached.
    public func currentBranch() async throws -> String? {
        try await withRepository { $0.currentBranch() }
    }

    /// The commit HEAD points at, or nil when there is none yet.
    public func head() async throws -> String? {
        try await withRepository { try $0.headCommit().map(hex) }
    }

    /// Resolves a branch, tag or object id to a commit id.
    public func resolve(_ revision: String) async throws -> String {
        try await withRepository { hex(try $0.resolveCommit(revision)) }
    }

    /// Makes the working tree exactly `revision` with a detached HEAD, removing untracked and ignored files.
    /// - Throws: ``GitError`` of kind `checkout_too_large` when the tree passes `limits` (checked before writing).
    public func checkoutDetached(_ revision: String, limits: CheckoutLimits = CheckoutLimits()) async throws {
        let name = directory.path
        try await withRepository { repository in
            try repository.forceCheckoutDetached(try repository.resolveCommit(revision), limits: limits, repositoryName: name)
            try repository.removeUntrackedAndIgnored()
        }
    }

    /// Pushes local branch `branch` to the same name on `remote` (default: the `origin` remote).
    /// - Parameters:
    ///   - force: replace the remote branch even when it is not a fast-forward (Fixloop's own branches).
    /// - Throws: ``GitError`` of kind `push_rejected` naming the ref and the server's reason,
    ///   `authentication` after the bounded credential attempts, `repository_not_found`, or `push`.
    public func push(
        branch: String, to remote: RepositoryReference? = nil, credentials: GitCredentials = .none, force: Bool = false,
        progress: GitProgressHandler? = nil
    ) async throws {
        let refspec = "\(force ? "+" : "")refs/heads/\(branch):refs/heads/\(branch)"
        try await withRepository { repository, cancellation in
            let target = remote?.url ?? repository.remoteURL() ?? "origin"
            let callbacks = RemoteCallbacks(credentials: credentials, progress: progress, cancellation: cancellation)
            try repository.push(remoteName: remote == nil ? "origin" : nil, url: target, refspecs: [refspec], callbacks: callbacks)
        }
    }

    /// Sets the URL of the `origin` remote, creating it when missing.
    public func setOrigin(_ remote: RepositoryReference) async throws {
        try await withRepository { repository in
            if repository.remoteURL() == nil {
                var handle: OpaquePointer?
                try gitCheck(git_remote_create(&handle, repository.pointer, "origin", remote.url), .open,
                             "adding the origin remote to \(repository.path)")
                git_remote_free(handle)
            } else {
                try gitCheck(git_remote_set_url(repository.pointer, "origin", remote.url), .open,
                             "setting the origin remote of \(repository.path)")
            }
        }
    }

    func withRepository<T: Sendable>(_ body: @escaping @Sendable (GitRepository) throws -> T) async throws -> T {
        try await withRepository { repository, _ in try body(repository) }
    }

    func withRepository<T: Sendable>(_ body: @escaping @Sendable (GitRepository, CancellationFlag) throws -> T) async throws -> T {
        let path = directory.path
        return try await GitThread.run { cancellation in
            try body(try GitRepository.open(path), cancellation)
        }
    }
}
