import CFixloopSandbox
import FixloopCore
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

    /// - Parameter seccomp: a BPF program handed over in a fresh pipe (read once by bubblewrap, so there is no
    ///   file offset to rewind between runs).
    /// - Parameter staged: staging entries and the host paths to open for them (``ReadOnlyStage``).
    init(
        workspace: String, extraReadOnly: [String], seccomp: [UInt8]?, readWrite: SandboxBind? = nil,
        staged: [(entry: String, hostPath: String)] = []
    ) throws {
        childDescriptors = BubblewrapArguments.Descriptors(
            workspace: 3, gitDirectory: nil, extraReadOnly: [], seccomp: nil)
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
        if let seccomp {
            try passSeccomp(seccomp)
        }
        var next: Int32 = 6
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
        if let readWrite {
            try adopt(open(readWrite.hostPath, openPathOnly | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), child: next,
                      path: readWrite.hostPath)
            childDescriptors.readWrite = (next, readWrite.path)
            next += 1
        }
        for (entry, hostPath) in staged {
            try adopt(open(hostPath, openPathOnly | O_CLOEXEC), child: next, path: hostPath)
            childDescriptors.staged.append((next, entry, hostPath))
            next += 1
        }
    }

    private func passSeccomp(_ program: [UInt8]) throws {
        var fds: [Int32] = [0, 0]
        guard fixloop_pipe_cloexec(&fds) == 0 else {
            close()
            throw SandboxError.launchFailed(program: "pipe", reason: String(cString: strerror(errno)))
        }
        let written = program.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        _ = Glibc.close(fds[1])
        guard written == program.count else {
            _ = Glibc.close(fds[0])
            close()
            throw SandboxError.launchFailed(program: "the seccomp pipe", reason: "a short write")
        }
        hostDescriptors.append(fds[0])
        inheritance[5] = fds[0]
        childDescriptors.seccomp = 5
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
