import FixloopConfig
import FixloopCore
import FixloopGit
import FixloopSandbox
import Foundation

/// Where `fixloop verify` gets its workspace: a pooled libgit2 checkout, or a copy of a given directory.
struct VerifyWorkspaces {
    let context: CommandContext

    /// Runs `body` with a workspace directory and cleans up afterwards.
    ///
    /// The checkout is copied into a private scratch workspace under the system's temporary directory
    /// (``ScratchWorkspace``): the sandbox user must be able to reach it (the state directory is private), no other
    /// local user can read it, and the pooled checkout or the given directory stays as it was.
    func withWorkspace<T: Sendable>(
        repo: String?, commit: String?, copying directory: String?, _ body: (URL) async throws -> T
    ) async throws -> T {
        if let repo {
            let remote = try RepositoryReference(parsing: repo)
            let state = context.state
            try state.prepare()
            let pool = WorkspacePool(
                mirrors: MirrorCache(root: state.mirrors), root: state.workspaces,
                poolSize: context.configuration.git.workspacePoolSize, checkoutLimits: CheckoutLimits(context.configuration.git))
            let progress = ProgressLine("fetching \(remote)")
            return try await pool.withWorkspace(
                remote: remote, at: commit, credentials: credentials(for: remote), progress: progress.gitHandler
            ) { workspace in
                progress.finish()
                return try await withScratchCopy(of: workspace.directory, body)
            }
        }
        let source = URL(fileURLWithPath: directory ?? ".").standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandError(
                code: "cli.workspace_missing", message: "The workspace \(source.path) is not a directory; give a checkout.")
        }
        return try await withScratchCopy(of: source, body)
    }

    /// A private copy (0700, removed afterwards, swept by the next run if this process is killed).
    private func withScratchCopy<T: Sendable>(of source: URL, _ body: (URL) async throws -> T) async throws -> T {
        try await ScratchWorkspace.withCopy(of: source, label: "verify", body)
    }

    /// A token from the environment for GitHub remotes; the SSH agent for SSH remotes; else nothing.
    private func credentials(for remote: RepositoryReference) -> GitCredentials {
        GitCredentialChoice.credentials(for: remote, context: context)
    }
}
