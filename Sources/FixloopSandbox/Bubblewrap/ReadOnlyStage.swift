import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Read-only host paths the sandbox user cannot reach (under `/root`, a 0700 home), handed in through a staging
/// folder: Fixloop (root) opens each path, `fixloop-sandbox-exec` binds the descriptor read-only at an empty entry
/// of this folder in a mount namespace of its own before it drops to the sandbox user, and bubblewrap binds the
/// entry where the path belongs. The mounts vanish with the sandbox's processes; the folder is removed after.
struct ReadOnlyStage: Sendable {
    /// The staging folder (0755, under the system temporary directory).
    let folder: String
    /// Each staged path: the entry in ``folder`` and the host path it stands for.
    let entries: [(entry: String, hostPath: String)]

    private init(folder: String, entries: [(entry: String, hostPath: String)]) {
        self.folder = folder
        self.entries = entries
    }

    /// Makes the folder with one empty entry (a folder or a file, like the path) per path.
    /// - Returns: nil when there is nothing to stage.
    static func make(for paths: [String]) throws -> ReadOnlyStage? {
        guard !paths.isEmpty else { return nil }
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-stage-\(UUID().uuidString.lowercased())").path
        guard mkdir(folder, 0o755) == 0, chmod(folder, 0o755) == 0 else {
            throw SandboxError.workspaceInvalid(
                path: folder, reason: "the staging folder cannot be made (\(String(cString: strerror(errno))))")
        }
        var entries: [(entry: String, hostPath: String)] = []
        for (index, path) in paths.enumerated() {
            let entry = "\(folder)/\(index)"
            var info = stat()
            let isFolder = stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            let made = isFolder ? mkdir(entry, 0o755) : open(entry, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
            if !isFolder, made >= 0 { _ = Glibc.close(made) }
            guard made >= 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: folder)
                throw SandboxError.workspaceInvalid(path: entry, reason: "the staging entry cannot be made (\(reason))")
            }
            entries.append((entry, path))
        }
        return ReadOnlyStage(folder: folder, entries: entries)
    }

    /// Removes the folder (its entries are empty on the host: the binds lived in the helper's namespace).
    func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }
}
