import CLibgit2
import Foundation

/// Merges a branch into another inside one repository (bare or not) with libgit2, as a pull request's merge button
/// does: a merge commit with both tips as parents (`git_merge_commits`, the tree written from the merged index),
/// the target branch moved to it. The working tree of a checkout is not touched; a conflict throws and moves nothing.
public enum GitBranchMerge {
    /// - Parameters:
    ///   - branch: the branch to merge (`fixloop/local-1-…`).
    ///   - path: the repository (the demo's bare local remote).
    ///   - base: the branch merged into; nil for the one HEAD names.
    ///   - author: the merge commit's author and committer.
    ///   - at: the merge commit's time (UTC); nil for now.
    /// - Returns: the merge commit's id (40 hex digits).
    /// - Throws: ``GitError`` when a branch is missing, the branch is already merged, or the merge conflicts.
    public static func merge(_ branch: String, in path: String, into base: String? = nil,
                             author: GitSignature, at: Date? = nil, message: String? = nil) async throws -> String {
        try await GitThread.run { _ in
            let repository = try GitRepository.open(path)
            guard let target = base ?? repository.currentBranch() else {
                throw GitError(.branch, "\(path) has no current branch to merge \(branch) into; name the branch to merge into.")
            }
            var ours = try repository.resolveCommit("refs/heads/\(target)")
            var theirs = try repository.resolveCommit("refs/heads/\(branch)")
            guard git_oid_cmp(&ours, &theirs) != 0, git_graph_descendant_of(repository.pointer, &ours, &theirs) != 1 else {
                throw GitError(.branch, "\(branch) is already merged into \(target) in \(path); nothing to merge.")
            }
            return try repository.withCommit(ours) { oursCommit in
                try repository.withCommit(theirs) { theirsCommit in
                    var index: OpaquePointer?
                    try gitCheck(git_merge_commits(&index, repository.pointer, oursCommit, theirsCommit, nil), .commit,
                                 "merging \(branch) into \(target) in \(path)")
                    defer { git_index_free(index) }
                    guard git_index_has_conflicts(index) == 0 else {
                        throw GitError(.commit, "\(branch) conflicts with \(target) in \(path); rebase it on \(target) first.")
                    }
                    var treeID = git_oid()
                    try gitCheck(git_index_write_tree_to(&treeID, index, repository.pointer), .commit, "writing the merged tree in \(path)")
                    var tree: OpaquePointer?
                    try gitCheck(git_tree_lookup(&tree, repository.pointer, &treeID), .commit, "reading the merged tree in \(path)")
                    defer { git_tree_free(tree) }
                    var signature: UnsafeMutablePointer<git_signature>?
                    let made = at.map { git_signature_new(&signature, author.name, author.email, git_time_t($0.timeIntervalSince1970), 0) }
                        ?? git_signature_now(&signature, author.name, author.email)
                    try gitCheck(made, .commit, "making the signature '\(author.name) <\(author.email)>'")
                    defer { git_signature_free(signature) }
                    var parents: [OpaquePointer?] = [oursCommit, theirsCommit]
                    var commitID = git_oid()
                    let text = message ?? "Merge branch '\(branch)' into \(target)"
                    let code = parents.withUnsafeMutableBufferPointer { buffer in
                        git_commit_create(&commitID, repository.pointer, "refs/heads/\(target)", signature, signature, "UTF-8",
                                          text, tree, buffer.count, buffer.baseAddress)
                    }
                    try gitCheck(code, .commit, "committing the merge of \(branch) into \(target) in \(path)")
                    return hex(commitID)
                }
            }
        }
    }
}
