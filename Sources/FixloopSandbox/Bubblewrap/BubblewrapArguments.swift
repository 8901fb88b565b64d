import FixloopCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Turns a policy and a request into the bubblewrap command line (pure; the caller opens the descriptors).
///
/// The shape follows the measured profile in the reference: every namespace unshared (the network too; a
/// policy with network gets slirp4netns in its own), no user namespaces inside, a new session against TIOCSTI,
/// all capabilities dropped, an empty environment plus the allow-list, minimal read-only binds (never `/`),
/// a read-only `/dev` with a size-limited `/dev/shm`, private `/tmp` and `$HOME`, the workspace read-write with
/// its `.git` read-only, and rlimits applied by `prlimit` inside.
struct BubblewrapArguments {
    /// Where the workspace, its `.git` and extra read-only paths are handed in: child descriptor numbers.
    struct Descriptors {
        var workspace: Int32
        var gitDirectory: Int32?
        var extraReadOnly: [(descriptor: Int32, path: String)]
        var seccomp: Int32?
        var readWrite: (descriptor: Int32, path: String)? = nil
        /// Paths staged by the helper (``ReadOnlyStage``): the helper's descriptor, the entry, the path inside.
        var staged: [(descriptor: Int32, entry: String, path: String)] = []
        /// The network hand-over, for a policy with network; nil keeps the sandbox offline.
        var network: NetworkDescriptors? = nil
    }

    /// Host paths that are symlinks to be recreated inside (merged-usr) rather than bound.
    var hostSymlinks: [String: String]
    /// The host environment, read by the CLI; only the policy's allow-listed names are copied.
    var hostEnvironment: [String: String]
    /// Whether a host path exists; missing ones are left out rather than tried by bubblewrap on every run.
    var hostPathExists: (String) -> Bool = { access($0, F_OK) == 0 }

    /// The arguments after `bwrap`.
    /// - Parameter limitsInside: put `prlimit` in front of the command (when the helper did not set the limits).
    func make(policy: SandboxPolicy, command: [String], descriptors: Descriptors, limitsInside: Bool) -> [String] {
        // The network namespace is always the sandbox's own; a policy with network gets slirp4netns in it.
        var args = ["--unshare-all"]
        args += ["--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        args += ["--hostname", "fixloop-sandbox", "--clearenv"]
        for (name, value) in environment(policy: policy).sorted(by: { $0.key < $1.key }) {
            args += ["--setenv", name, value]
        }
        for path in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] + policy.readOnlyPaths {
            if let target = hostSymlinks[path] { args += ["--symlink", target, path] }
            else if hostPathExists(path) { args += ["--ro-bind-try", path, path] }
        }
        // bubblewrap's /dev is a tmpfs of half the host's memory: read-only, with a bounded tmpfs on /dev/shm.
        args += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev"]
        args += ["--size", String(policy.shmSizeBytes), "--tmpfs", "/dev/shm"]
        args += ["--size", String(policy.tmpSizeBytes), "--tmpfs", "/tmp"]
        args += ["--size", String(policy.homeSizeBytes), "--tmpfs", policy.homePath]
        for extra in descriptors.extraReadOnly {
            args += ["--ro-bind-fd", String(extra.descriptor), extra.path]
        }
        for staged in descriptors.staged {
            args += ["--ro-bind", staged.entry, staged.path]
        }
        if let readWrite = descriptors.readWrite {
            args += ["--bind-fd", String(readWrite.descriptor), readWrite.path]
        }
        args += ["--bind-fd", String(descriptors.workspace), policy.workspacePath]
        if let git = descriptors.gitDirectory {
            args += ["--ro-bind-fd", String(git), policy.workspacePath + "/.git"]
        }
        args += Self.networkArguments(descriptors.network)
        if let seccomp = descriptors.seccomp { args += ["--seccomp", String(seccomp)] }
        args += ["--remount-ro", "/", "--chdir", policy.workspacePath, "--"]
        return args + (limitsInside ? limitPrefix(policy.limits) : []) + command
    }

    /// The environment inside: the policy's `set` values, overridden by allow-listed host values.
    func environment(policy: SandboxPolicy) -> [String: String] {
        var result = policy.setEnvironment
        for name in policy.passEnvironment {
            if let value = hostEnvironment[name] { result[name] = value }
        }
        return result
    }

    /// `prlimit` in front of the command: rlimits for every process of the sandbox.
    func limitPrefix(_ limits: SandboxLimits) -> [String] {
        [
            "/usr/bin/prlimit", "--cpu=\(limits.cpuSeconds)", "--as=\(limits.memoryBytes)",
            "--nproc=\(limits.processes)", "--nofile=\(limits.openFiles)", "--fsize=\(limits.fileSizeBytes)",
            "--core=0", "--",
        ]
    }

    /// The merged-usr symlinks of the host among the system folders and the given paths.
    static func hostSymlinks(among paths: [String]) -> [String: String] {
        var result: [String: String] = [:]
        // readlink(2) directly: this runs for every command, and Foundation builds an NSError per non-link.
        var buffer = [CChar](repeating: 0, count: 4096)
        for path in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] + paths {
            let count = readlink(path, &buffer, buffer.count - 1)
            if count > 0 {
                result[path] = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return result
    }
}
