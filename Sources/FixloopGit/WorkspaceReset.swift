import CLibgit2
import FixloopCore
import Foundation

/// Making a checkout from a mirror, and resetting a used one so that nothing from the earlier run survives.
enum WorkspaceReset {
    static let pristineConfigName = "fixloop-pristine-config"

    /// Clones `mirror` by path (objects hard-linked), points `origin` at the real remote and checks out `commit`
    /// within `limits`.
    static func cloneFresh(
        from mirror: URL, remote: RepositoryReference, into destination: URL, at commit: String, limits: CheckoutLimits
    ) throws {
        var options = git_clone_options()
        git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION))
        options.local = GIT_CLONE_LOCAL
        options.checkout_opts.checkout_strategy = GIT_CHECKOUT_NONE.rawValue
        var raw: OpaquePointer?
        try gitCheck(git_clone(&raw, mirror.path, destination.path, &options), .clone,
                     "making a workspace of \(remote.url) in \(destination.path)")
        let repository = GitRepository.adopt(raw!, path: destination.path)
        try repository.setConfig("remote.origin.url", remote.url)
        try repository.forceCheckoutDetached(try oid(commit), limits: limits, repositoryName: remote.url)
        try repository.deleteLocalBranches()
        let gitDirectory = destination.appendingPathComponent(".git")
        let hooks = gitDirectory.appendingPathComponent("hooks")
        try FileTree.forceRemove(hooks)
        // Empty and readable: test runners that walk the whole tree (`node --test`) list it as the sandbox user.
        try FileTree.makeDirectory(hooks, mode: 0o755)
        try copyFile(gitDirectory.appendingPathComponent("config"), to: gitDirectory.appendingPathComponent(pristineConfigName))
    }

    /// Resets a used checkout to `commit`, or throws when it cannot be proven clean (the caller then discards it).
    static func reset(
        _ directory: URL, remote: RepositoryReference, to commit: String, mirror: URL, limits: CheckoutLimits
    ) throws {
        let gitDirectory = directory.appendingPathComponent(".git")
        var info = stat()
        guard lstat(gitDirectory.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw GitError(.workspace, "The pooled checkout \(directory.path) has no .git folder.")
        }
        // Configuration first, so nothing a run planted there (filters, core.worktree) takes part in the reset.
        try copyFile(gitDirectory.appendingPathComponent(pristineConfigName), to: gitDirectory.appendingPathComponent("config"))
        let hooks = gitDirectory.appendingPathComponent("hooks")
        try FileTree.forceRemove(hooks)
        // Empty and readable: test runners that walk the whole tree (`node --test`) list it as the sandbox user.
        try FileTree.makeDirectory(hooks, mode: 0o755)
        let repository = try GitRepository.open(directory.path)
        git_repository_state_cleanup(repository.pointer)
        var target = try oid(commit)
        if !repository.hasObject(target) {
            let callbacks = RemoteCallbacks(credentials: .none, progress: nil, cancellation: CancellationFlag())
            try repository.fetch(remoteName: nil, url: mirror.path,
                                 refspecs: ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"],
                                 prune: false, callbacks: callbacks)
        }
        try repository.forceCheckoutDetached(target, limits: limits, repositoryName: remote.url)
        try repository.removeUntrackedAndIgnored()
        try repository.deleteLocalBranches()
        guard let head = try repository.headCommit(), hex(head) == hex(target) else {
            throw GitError(.workspace, "The pooled checkout \(directory.path) did not move to \(commit).")
        }
        let leftovers = try repository.status(includeIgnored: true)
        guard leftovers.isEmpty else {
            throw GitError(.workspace, "The pooled checkout \(directory.path) kept \(leftovers.count) changed paths after reset: \(leftovers.prefix(5).map { "\($0.change) \($0.path)" }.joined(separator: ", ")).")
        }
    }

    static func oid(_ text: String) throws -> git_oid {
        var id = git_oid()
        guard git_oid_fromstr(&id, text) == 0 else {
            throw GitError(.revision, "'\(text)' is not a full commit id.")
        }
        return id
    }

    private static func copyFile(_ source: URL, to destination: URL) throws {
        do {
            let data = try Data(contentsOf: source)
            try data.write(to: destination, options: .atomic)
        } catch {
            throw GitError(.workspace, "Cannot copy \(source.path) to \(destination.path): \(error.localizedDescription).")
        }
    }
}

extension GitRepository {
    /// Removes what checkout left: untracked and ignored files and whole folders of them, whatever their modes.
    func removeUntrackedAndIgnored() throws {
        let directory = URL(fileURLWithPath: path)
        for entry in try status(includeIgnored: true, recurse: false)
        where entry.change == .untracked || entry.change == .ignored {
            let path = entry.path.hasSuffix("/") ? String(entry.path.dropLast()) : entry.path
            guard !path.isEmpty, !path.split(separator: "/").contains("..") else { continue }
            try FileTree.forceRemove(directory.appendingPathComponent(path))
        }
    }

    /// True when the object database has `oid` (loose, packed, or through alternates).
    func hasObject(_ oid: git_oid) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0 else { return false }
        defer { git_odb_free(odb) }
        var id = oid
        return git_odb_exists(odb, &id) == 1
    }
}
