import CLibgit2
import FixloopCore
import Foundation

extension WorkspacePool {
    /// Where `head` left `base` in `remote`'s mirror (as fetched by the last ``withWorkspace(remote:at:credentials:refresh:progress:isolation:_:)``):
    /// the commit a pull request's diff is taken against.
    /// - Throws: ``GitError`` `.revision` when either is not in the mirror or they share no history.
    public func mergeBase(remote: RepositoryReference, head: String, base: String) async throws -> String {
        let mirror = mirrors.directory(for: remote)
        return try await GitThread.run { _ in
            let repository = try GitRepository.open(mirror.path)
            var one = try repository.resolveCommit(head)
            var two = try repository.resolveCommit(base)
            var found = git_oid()
            try gitCheck(git_merge_base(&found, repository.pointer, &one, &two), .revision,
                         "finding where \(head) left \(base) in \(remote.url)")
            return hex(found)
        }
    }
}
