import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A private copy of a checkout for one job, which the sandbox user can work in and nobody else can read.
///
/// The copy is itself the workspace folder, directly under the system's temporary directory (whose ancestors
/// every user can pass through, as bubblewrap needs), with mode 0700: while Fixloop runs as root, the sandbox
/// hands it to the run's own uid for each command and back afterwards, so at no time can another local user list
/// or read it. The copy is made in a 0700 staging folder and renamed into place, so it is never visible with the
/// source's modes. A ``LeftoverRecord`` lets the next sandboxed run remove it if this process is killed.
public enum ScratchWorkspace {
    /// Copies `source` into a fresh private workspace, runs `body` with it, and removes it on every path.
    /// - Parameters:
    ///   - source: the folder to copy; it is left as it was.
    ///   - label: a word in the folder's name (`fixloop-<label>-<uuid>`).
    ///   - body: the job; it gets the workspace folder.
    /// - Returns: what `body` returns.
    /// - Throws: ``SandboxError`` when the copy cannot be made, or what `body` throws.
    public static func withCopy<T: Sendable>(
        of source: URL, label: String, _ body: (URL) async throws -> T
    ) async throws -> T {
        let name = "fixloop-\(label)-\(UUID().uuidString.lowercased())"
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent(name + ".staging", isDirectory: true)
        let record = try LeftoverRecord.make(.scratch([staging.path, workspace.path]))
        defer {
            WorkspaceTree.remove(staging.path)
            WorkspaceTree.remove(workspace.path)
            record.discard()
        }
        try await BlockingWork.run { try copy(source, into: staging, then: workspace) }
        return try await body(workspace)
    }

    /// Makes a fresh scratch folder for a job's own copies, runs `body` with it, and removes it on every path.
    ///
    /// The folder is 0711 (the sandbox user passes through it to the copies, nobody can list it); each copy
    /// inside must be made 0700 by its maker (``makePrivate(_:)``). A ``LeftoverRecord`` lets the next sandboxed
    /// run remove it if this process is killed.
    /// - Parameters:
    ///   - label: a word in the folder's name (`fixloop-<label>-<uuid>`).
    ///   - body: the job; it gets the folder.
    /// - Returns: what `body` returns.
    /// - Throws: ``SandboxError`` when the folder cannot be made, or what `body` throws.
    public static func withFolder<T>(
        label: String, isolation: isolated (any Actor)? = #isolation, _ body: (URL) async throws -> T
    ) async throws -> T {
        let name = "fixloop-\(label)-\(UUID().uuidString.lowercased())"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
        let record = try LeftoverRecord.make(.scratch([folder.path]))
        defer {
            WorkspaceTree.remove(folder.path)
            record.discard()
        }
        guard mkdir(folder.path, 0o700) == 0, chmod(folder.path, 0o711) == 0 else {
            throw SandboxError.workspaceInvalid(
                path: folder.path, reason: "its scratch folder cannot be made (\(String(cString: strerror(errno))))")
        }
        return try await body(folder)
    }

    /// Makes a copy's top folder 0700, so that no other local user can read the checkout inside.
    /// - Throws: ``SandboxError`` when the mode cannot be set.
    public static func makePrivate(_ copy: URL) throws {
        guard chmod(copy.path, 0o700) == 0 else {
            throw SandboxError.workspaceInvalid(
                path: copy.path, reason: "it cannot be made private (\(String(cString: strerror(errno))))")
        }
    }

    private static func copy(_ source: URL, into staging: URL, then workspace: URL) throws {
        guard mkdir(staging.path, 0o700) == 0 else {
            throw SandboxError.workspaceInvalid(
                path: staging.path, reason: "its scratch folder cannot be made (\(String(cString: strerror(errno))))")
        }
        let copy = staging.appendingPathComponent("workspace", isDirectory: true)
        do {
            try FileManager.default.copyItem(at: source, to: copy)
        } catch {
            throw SandboxError.workspaceInvalid(
                path: source.path, reason: "it cannot be copied to a scratch folder (\(error.localizedDescription))")
        }
        guard chmod(copy.path, 0o700) == 0, rename(copy.path, workspace.path) == 0 else {
            throw SandboxError.workspaceInvalid(
                path: workspace.path, reason: "its scratch copy cannot be moved into place (\(String(cString: strerror(errno))))")
        }
        rmdir(staging.path)
    }
}
