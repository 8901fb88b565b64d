import CLibgit2
import FixloopCore
import Foundation

extension MirrorCache {
    /// What one fetch into a mirror brought back.
    struct Fetched {
        /// The remote's default branch (`refs/heads/main`), when it names one.
        var head: String?
        /// Refs of a local source that point nowhere and were left out.
        var dangling: [DanglingReference] = []
    }

    /// Fetches `origin` into the mirror. A repository on this machine is read through a ``LocalSourceView`` made
    /// next to the mirror (under its lock) and removed afterwards, so refs that point nowhere are left out instead of
    /// failing the fetch, and a missing object is explained (partial clone or damage).
    static func fetchOrigin(
        _ repository: GitRepository, remote: RepositoryReference, mirror: URL, callbacks: RemoteCallbacks
    ) throws -> Fetched {
        guard remote.transport == .local || remote.transport == .file else {
            return Fetched(head: try repository.fetch(remoteName: "origin", url: remote.url, refspecs: [], prune: true, callbacks: callbacks))
        }
        let folder = mirror.deletingLastPathComponent()
        let prefix = ".\(mirror.lastPathComponent).view-"
        // Views left by a process that died while holding the lock.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(prefix) {
            try? FileTree.forceRemove(folder.appendingPathComponent(name))
        }
        let directory = folder.appendingPathComponent(prefix + UUID().uuidString.lowercased(), isDirectory: true)
        defer { try? FileTree.forceRemove(directory) }
        let view = try LocalSourceView.make(source: remote.path, at: directory)
        do {
            let head = try repository.fetch(remoteName: "origin", url: remote.url, through: view.directory.path,
                                            refspecs: [], prune: true, callbacks: callbacks)
            return Fetched(head: head, dangling: view.dangling)
        } catch let error as GitError {
            throw LocalSourceView.explain(error, source: remote.path)
        }
    }

    /// Points a mirror's HEAD at the remote's default branch, so "no revision" means what the remote means; when a
    /// local source's HEAD names a branch that is gone, the mirror's HEAD names it too, so no other branch is guessed.
    static func pointHead(_ repository: GitRepository, at fetched: Fetched) throws {
        let dangling = fetched.dangling.first { $0.name == "HEAD" }?.target
        guard let head = fetched.head ?? dangling, head.hasPrefix("refs/heads/") else { return }
        try gitCheck(git_repository_set_head(repository.pointer, head), .fetch, "setting HEAD of \(repository.path) to \(head)")
    }
}
