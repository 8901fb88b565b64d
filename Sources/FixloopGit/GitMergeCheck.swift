import CLibgit2
import Foundation

/// Whether a fix branch was merged into a local remote's default branch, read with libgit2
/// (`git_graph_descendant_of`): the merge is the oldest commit on the default branch's first-parent line that
/// holds the branch's commit, and its committer time is the merge time.
public enum GitMergeCheck {
    /// A branch found merged.
    public struct Merge: Sendable, Equatable {
        /// The commit that brought the fix into the default branch (the fix itself after a fast-forward).
        public var commit: String
        public var mergedAt: Date
    }

    /// - Parameters:
    ///   - branch: the fix branch (`fixloop/local-1-…`).
    ///   - path: the repository (a bare local remote or a checkout).
    ///   - base: the default branch; nil for the one HEAD names.
    /// - Returns: the merge, or nil when the branch is missing or not merged.
    /// - Throws: ``GitError`` when the repository cannot be opened or read.
    public static func merge(of branch: String, in path: String, into base: String? = nil) async throws -> Merge? {
        try await GitThread.run { _ in
            let repository = try GitRepository.open(path)
            guard let fix = try? repository.resolveCommit("refs/heads/\(branch)") else { return nil }
            // A branch is not merged into itself (a remote whose HEAD names the fix branch).
            guard (base ?? repository.currentBranch()) != branch,
                  let tip = try base.map({ try repository.resolveCommit("refs/heads/\($0)") }) ?? repository.headCommit() else { return nil }
            guard contains(repository, tip, fix) else { return nil }
            var merged = tip
            while let parent = try firstParent(repository, merged), contains(repository, parent, fix) { merged = parent }
            let time = try repository.withCommit(merged) { git_commit_time($0) }
            return Merge(commit: hex(merged), mergedAt: Date(timeIntervalSince1970: TimeInterval(time)))
        }
    }

    /// Whether `commit` is `ancestor` or descends from it.
    private static func contains(_ repository: GitRepository, _ commit: git_oid, _ ancestor: git_oid) -> Bool {
        var (a, b) = (commit, ancestor)
        return git_oid_cmp(&a, &b) == 0 || git_graph_descendant_of(repository.pointer, &a, &b) == 1
    }

    private static func firstParent(_ repository: GitRepository, _ oid: git_oid) throws -> git_oid? {
        try repository.withCommit(oid) { commit in
            guard git_commit_parentcount(commit) > 0, let parent = git_commit_parent_id(commit, 0) else { return nil }
            return parent.pointee
        }
    }
}
