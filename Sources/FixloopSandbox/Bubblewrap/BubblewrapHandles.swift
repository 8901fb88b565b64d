import CFixloopSandbox
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Path descriptors for the workspace, its `.git` and extra read-only paths, opened by the runner and handed to
/// bubblewrap (`--bind-fd`), so the unprivileged bubblewrap never needs to traverse the runner's private folders.
final class BubblewrapHandles {
    private var hostDescriptors: [Int32] = []
    /// Child descriptor number → host descriptor.
    private(set) var inheritance: [Int32: Int32] = [:]
    /// The numbers bubblewrap is told about.
    private(set) var childDescriptors: BubblewrapArguments.Descriptors

    init(workspace: String, extraReadOnly: [String]) throws {
        childDescriptors = BubblewrapArguments.Descriptors(workspace: 3, gitDirectory: nil, extraReadOnly: [])
        var info = stat()
        guard lstat(workspace, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw SandboxError.workspaceInvalid(path: workspace, reason: "it is not a directory (or is a symbolic link)")
        }
        try adopt(open(workspace, openPathOnly | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), child: 3, path: workspace)
        let git = workspace + "/.git"
        if lstat(git, &info) == 0 {
            let type = info.st_mode & S_IFMT
            guard type == S_IFDIR || type == S_IFREG else {
                close()
                throw SandboxError.workspaceInvalid(path: workspace, reason: "its .git is neither a folder nor a file")
            }
            try adopt(open(git, openPathOnly | O_NOFOLLOW | O_CLOEXEC), child: 4, path: git)
            childDescriptors.gitDirectory = 4
        }
        var next: Int32 = 5
        for path in extraReadOnly {
            let resolved = URL(fileURLWithPath: path).standardizedFileURL.path
            guard access(resolved, F_OK) == 0 else {
                close()
                throw SandboxError.workspaceInvalid(path: resolved, reason: "this read-only path does not exist")
            }
            try adopt(open(resolved, openPathOnly | O_CLOEXEC), child: next, path: resolved)
            childDescriptors.extraReadOnly.append((next, resolved))
            next += 1
        }
    }

    private func adopt(_ descriptor: Int32, child: Int32, path: String) throws {
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            close()
            throw SandboxError.workspaceInvalid(path: path, reason: "it cannot be opened (\(reason))")
        }
        hostDescriptors.append(descriptor)
        inheritance[child] = descriptor
    }

    /// Closes every descriptor; safe to call twice.
    func close() {
        for descriptor in hostDescriptors { _ = Glibc.close(descriptor) }
        hostDescriptors = []
    }
}

/// Linux `O_PATH` (not exported by the Glibc module): a descriptor that names a path without opening it for I/O.
private let openPathOnly: Int32 = fixloop_open_path_flag()
