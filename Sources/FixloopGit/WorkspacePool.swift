import CLibgit2
import FixloopCore
import Foundation

/// Makes workspaces from the mirror cache and keeps a few idle checkouts per repository for reuse.
///
/// A reused checkout is reset to the requested commit: tracked changes undone, untracked and ignored files
/// removed, local branches deleted, `.git/config` restored and hooks cleared, then verified clean before it is
/// handed out; any doubt and it is thrown away for a fresh clone. Claims use `rename(2)` and `flock(2)`, so
/// several processes (workers, `serve`, the CLI) can share one state directory.
public final class WorkspacePool: Sendable {
    /// When to fetch into the mirror before making a workspace.
    public enum Refresh: Sendable {
        /// Fetch every time (the default: "the default branch head" means the remote's current head).
        case always
        /// Fetch only when the mirror is missing or lacks the revision.
        case ifMissing
    }

    public let mirrors: MirrorCache
    /// Holds `active/` (checkouts in use) and `idle/` (checkouts kept for reuse).
    public let root: URL
    /// Idle checkouts kept per repository; 0 turns reuse off.
    public let poolSize: Int
    /// What one checkout may write (``GitSettings/maxCheckoutFiles``, ``GitSettings/maxCheckoutMB``).
    public let checkoutLimits: CheckoutLimits

    /// - Parameters:
    ///   - mirrors: the mirror cache workspaces are made from.
    ///   - root: usually `StateDirectory.workspaces`.
    ///   - poolSize: idle checkouts kept per repository (``GitSettings/workspacePoolSize``).
    ///   - checkoutLimits: what one checkout may write; `CheckoutLimits(configuration.git)` in the CLI.
    public init(mirrors: MirrorCache, root: URL, poolSize: Int, checkoutLimits: CheckoutLimits = CheckoutLimits()) {
        self.mirrors = mirrors
        self.root = root.standardizedFileURL
        self.poolSize = max(0, poolSize)
        self.checkoutLimits = checkoutLimits
    }

    /// Runs `body` with a workspace at `revision` of `remote`, and cleans up on every path out of it.
    /// - Parameters:
    ///   - remote: the repository.
    ///   - revision: a branch, tag or commit; nil for the remote's default branch head.
    ///   - credentials: for fetching into the mirror.
    ///   - refresh: when to fetch first.
    ///   - progress: transfer counts while the mirror fetches.
    ///   - body: the run; the workspace must not be used after it returns.
    /// - Throws: ``GitError`` from the mirror, the checkout (`checkout_too_large` when the tree passes
    ///   ``checkoutLimits``), or `body`'s own error.
    public func withWorkspace<T>(
        remote: RepositoryReference, at revision: String? = nil, credentials: GitCredentials = .none,
        refresh: Refresh = .always, progress: GitProgressHandler? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Workspace) async throws -> T
    ) async throws -> T {
        let lease = try await acquire(remote: remote, at: revision, credentials: credentials, refresh: refresh, progress: progress)
        let result: T
        do {
            result = try await body(lease.workspace)
        } catch {
            await release(lease)
            throw error
        }
        await release(lease)
        return result
    }

    /// A checkout claimed for one run, with the lock that marks it in use.
    struct Lease: Sendable {
        let workspace: Workspace
        let lock: FileLock
    }

    func acquire(
        remote: RepositoryReference, at revision: String?, credentials: GitCredentials, refresh: Refresh,
        progress: GitProgressHandler?
    ) async throws -> Lease {
        let mirror = mirrors.directory(for: remote)
        var commit: String?
        if refresh == .ifMissing, FileManager.default.fileExists(atPath: mirror.path) {
            commit = try? await GitThread.run { _ in try MirrorCache.resolve(revision, in: mirror) }
        }
        if commit == nil {
            let update = try await mirrors.update(remote, credentials: credentials, progress: progress)
            do {
                commit = try await GitThread.run { _ in try MirrorCache.resolve(revision, in: mirror) }
            } catch let error as GitError where error.kind == .revision {
                throw update.danglingCause(of: revision, source: remote.url) ?? error
            }
        }
        let resolved = commit!
        let root = self.root
        let limits = checkoutLimits
        return try await GitThread.run { _ in
            try Self.sweepAbandoned(root: root)
            let id = UUID().uuidString.lowercased()
            let active = root.appendingPathComponent("active", isDirectory: true)
            try FileTree.makeDirectory(active)
            guard let lock = try FileLock.acquire(active.appendingPathComponent(id + ".lock").path) else {
                throw GitError(.workspace, "Cannot lock a new workspace under \(active.path).")
            }
            let destination = active.appendingPathComponent(id, isDirectory: true)
            do {
                if try Self.claimIdle(root: root, remote: remote, into: destination) {
                    do {
                        try WorkspaceReset.reset(destination, remote: remote, to: resolved, mirror: mirror, limits: limits)
                        return Lease(workspace: Workspace(directory: destination, remote: remote, baseCommit: resolved, reused: true), lock: lock)
                    } catch let error as GitError where error.kind == .checkoutTooLarge {
                        throw error  // a fresh clone would be refused the same way
                    } catch {
                        try FileTree.forceRemove(destination)
                    }
                }
                try WorkspaceReset.cloneFresh(from: mirror, remote: remote, into: destination, at: resolved, limits: limits)
                return Lease(workspace: Workspace(directory: destination, remote: remote, baseCommit: resolved, reused: false), lock: lock)
            } catch {
                try? FileTree.forceRemove(destination)
                lock.release(removingFile: true)
                throw error
            }
        }
    }

    func release(_ lease: Lease) async {
        let root = self.root
        let poolSize = self.poolSize
        _ = try? await GitThread.run { _ in
            let directory = lease.workspace.directory
            let idle = Self.idleDirectory(root: root, remote: lease.workspace.remote)
            try? FileTree.makeDirectory(idle)
            // Counted and parked under one lock: two releases at once could otherwise both see room for one.
            let parked = (try? withFileLock(idle.path + ".lock") {
                let kept = (try? FileManager.default.contentsOfDirectory(atPath: idle.path).count) ?? 0
                return kept < poolSize && rename(directory.path, idle.appendingPathComponent(directory.lastPathComponent).path) == 0
            }) ?? false
            if !parked { try? FileTree.forceRemove(directory) }
            lease.lock.release(removingFile: true)
        }
    }

    /// Moves one idle checkout of `remote` to `destination`; `rename` makes the claim atomic across processes.
    private static func claimIdle(root: URL, remote: RepositoryReference, into destination: URL) throws -> Bool {
        let idle = idleDirectory(root: root, remote: remote)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: idle.path) else { return false }
        for name in names.sorted() where !name.hasPrefix(".") {
            if rename(idle.appendingPathComponent(name).path, destination.path) == 0 { return true }
        }
        return false
    }

    /// Removes checkouts left in `active/` by processes that died: their lock is free.
    static func sweepAbandoned(root: URL) throws {
        let active = root.appendingPathComponent("active", isDirectory: true)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: active.path) else { return }
        for name in names where !name.hasSuffix(".lock") {
            let lockPath = active.appendingPathComponent(name + ".lock").path
            guard let lock = try FileLock.acquire(lockPath, wait: false) else { continue }
            try? FileTree.forceRemove(active.appendingPathComponent(name))
            lock.release(removingFile: true)
        }
    }

    static func idleDirectory(root: URL, remote: RepositoryReference) -> URL {
        root.appendingPathComponent("idle", isDirectory: true).appendingPathComponent(remote.cacheKey, isDirectory: true)
    }
}
