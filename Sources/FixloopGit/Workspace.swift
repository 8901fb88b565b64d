import FixloopCore
import Foundation

/// A writable checkout for one run, made from the mirror; valid only inside ``WorkspacePool/withWorkspace``.
public struct Workspace: Sendable {
    /// The checkout's folder; its `.git` is a self-contained repository.
    public let directory: URL
    /// The remote the workspace was made for; `origin` points at it, so pushes go there.
    public let remote: RepositoryReference
    /// The commit the workspace started at; diffs are taken against it.
    public let baseCommit: String
    /// True when the checkout was a pooled one reset for this run rather than a new clone.
    public let reused: Bool

    /// Git operations on the checkout.
    public var git: GitWorkingCopy { GitWorkingCopy(directory: directory) }

    /// The change this run made so far: the working tree (and any commits) against ``baseCommit``.
    public func diff() async throws -> GitDiff { try await git.diff(from: baseCommit) }
}
