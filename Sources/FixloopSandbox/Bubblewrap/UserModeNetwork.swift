import CFixloopSandbox
import FixloopCore
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The network of one sandboxed run whose policy allows a network: the sandbox's own network namespace (bubblewrap
/// unshares it like every other) given user-mode networking by slirp4netns, so it reaches the internet but not the
/// host's loopback or abstract Unix sockets.
///
/// bubblewrap writes its child's pid to `--info-fd` and holds the command on `--block-fd`. A watcher thread then
/// starts slirp4netns through `fixloop-sandbox-exec --network-helper` — as the sandbox's uid, inside the sandbox's
/// user namespace, with slirp4netns' own mount sandbox and seccomp filter, an empty environment and no other
/// descriptors — waits until the tap device is configured, and releases the command. ``stop()`` kills slirp4netns
/// and reaps it; its `--exit-fd` ends it as well when Fixloop itself dies.
final class UserModeNetwork: Sendable {
    /// What starting slirp4netns needs.
    struct Settings: Sendable {
        /// The slirp4netns executable.
        var networkHelperPath: String
        /// `fixloop-sandbox-exec`.
        var execHelperPath: String
        /// The sandbox's host uid and gid when Fixloop runs as root; nil keeps the current user.
        var userID: UInt32?
        var groupID: UInt32?
        /// The rlimits slirp4netns runs under (the policy's).
        var limits: SandboxLimits
        /// How long slirp4netns may take to bring the network up.
        var startSeconds: Double = 20
    }

    /// The resolver slirp4netns answers on inside (its gateway is 10.0.2.2, the sandbox 10.0.2.100).
    static let resolver = "10.0.2.3"
    /// The tap device's MTU: slirp4netns' largest, the fastest for downloads.
    static let mtu = 65520

    private struct State {
        var stopped = false
        var helper: pid_t?
        var failure: SandboxError?
    }

    let settings: Settings
    /// The descriptor numbers bubblewrap is told about.
    let childDescriptors: BubblewrapArguments.NetworkDescriptors
    /// Child descriptor number → host descriptor, for bubblewrap.
    let inheritance: [Int32: Int32]
    private let infoRead: Int32
    private let blockWrite: Int32
    private let exitRead: Int32
    private let exitWrite: Int32
    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    /// Checks the tools, opens the pipes and starts the watcher; call ``stop()`` on every path afterwards.
    /// - Parameter firstDescriptor: the first child descriptor number free for bubblewrap.
    /// - Throws: ``SandboxError`` `networkUnavailable` when slirp4netns or the helper is missing.
    static func start(settings: Settings, firstDescriptor: Int32) throws -> UserModeNetwork {
        guard access(settings.networkHelperPath, X_OK) == 0 else {
            throw SandboxError.networkHelperMissing(path: settings.networkHelperPath)
        }
        let network = try UserModeNetwork(settings: settings, firstDescriptor: firstDescriptor)
        let thread = Thread { network.watch() }
        thread.stackSize = 1 << 20
        thread.start()
        return network
    }

    private init(settings: Settings, firstDescriptor: Int32) throws {
        self.settings = settings
        let info = try Self.pipe()
        let block = try Self.pipe()
        let resolv = try Self.pipe()
        let exit = try Self.pipe()
        let text = Array("nameserver \(Self.resolver)\n".utf8)
        _ = text.withUnsafeBytes { write(resolv.write, $0.baseAddress, $0.count) }
        Glibc.close(resolv.write)
        (infoRead, blockWrite, exitRead, exitWrite) = (info.read, block.write, exit.read, exit.write)
        childDescriptors = .init(info: firstDescriptor, block: firstDescriptor + 1, resolvConf: firstDescriptor + 2)
        inheritance = [firstDescriptor: info.write, firstDescriptor + 1: block.read, firstDescriptor + 2: resolv.read]
    }

    /// Kills slirp4netns (if it started), waits for the watcher, closes every descriptor.
    /// - Returns: why the network could not be brought up, if it could not; the command then never ran.
    func stop() async -> SandboxError? {
        let helper = state.withLock { state -> pid_t? in
            state.stopped = true
            return state.helper
        }
        if let helper { kill(-helper, SIGKILL) }
        // bubblewrap has exited: its ends can go, which also ends a watcher still waiting for the child's pid.
        for descriptor in inheritance.values { Glibc.close(descriptor) }
        Glibc.close(exitWrite)
        let finished = finished
        _ = try? await BlockingWork.run { finished.wait() }
        return state.withLock { $0.failure }
    }

    private static func pipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard fixloop_pipe_cloexec(&fds) == 0 else {
            throw SandboxError.launchFailed(program: "pipe", reason: String(cString: strerror(errno)))
        }
        return (fds[0], fds[1])
    }
}

extension UserModeNetwork {
    /// The watcher thread: child pid → slirp4netns → ready → release the command → drain and reap.
    private func watch() {
        defer {
            Glibc.close(infoRead)
            Glibc.close(blockWrite)
            Glibc.close(exitRead)
            finished.signal()
        }
        guard let child = readChildPID() else { return }
        let netns = open("/proc/\(child)/ns/net", O_RDONLY | O_CLOEXEC)
        guard netns >= 0 else {
            // The sandbox's first process is gone already (the run was cancelled or hit its wall clock while this
            // thread waited for its pid): the command never ran, and the run's own ending says why — not the network.
            // Nothing to kill either: the pid may already belong to another process.
            if errno == ENOENT || errno == ESRCH { return }
            return fail("the sandbox's network namespace cannot be opened: \(String(cString: strerror(errno)))", child)
        }
        defer { Glibc.close(netns) }
        guard let ready = try? Self.pipe(), let pipes = try? PipeSet() else {
            return fail("no pipe for slirp4netns: \(String(cString: strerror(errno)))", child)
        }
        defer { Glibc.close(ready.read) }
        Glibc.close(pipes.inputWrite)
        let spawned = state.withLock { state -> Result<pid_t, Error>? in
            guard !state.stopped else { return nil }
            let result = Result { try ChildProcess.spawn(launch(netns: netns, ready: ready.write), pipes: pipes) }
            if case .success(let pid) = result { state.helper = pid }
            return result
        }
        Glibc.close(ready.write)
        pipes.closeChildEnds()
        guard let spawned else { return }
        guard case .success(let helper) = spawned else {
            return fail("slirp4netns could not be started through \(SandboxHelper.name)", child)
        }
        var log = NetworkHelperLog(pipes: pipes)
        if log.waitForReady(ready.read, seconds: settings.startSeconds) {
            state.withLock { state in
                if !state.stopped { _ = write(blockWrite, "1", 1) }
            }
            log.drainUntilClosed()
        } else {
            kill(-helper, SIGKILL)
            log.drainUntilClosed(deadline: .now.advanced(by: .seconds(2)))
            fail(log.reason, child)
        }
        // Forget the pid before reaping it, so stop() never signals a pid the kernel may hand out again.
        state.withLock { $0.helper = nil }
        kill(-helper, SIGKILL)
        var status: Int32 = 0
        while waitpid(helper, &status, 0) < 0 && errno == EINTR {}
    }

    /// Records the failure and kills bubblewrap's child (pid 1 of the sandbox), so the command never runs offline.
    private func fail(_ reason: String, _ child: pid_t) {
        state.withLock { state in
            if state.failure == nil && !state.stopped { state.failure = .networkFailed(reason: reason) }
        }
        kill(child, SIGKILL)
    }

    /// bubblewrap's `--info-fd` JSON, `{"child-pid": N, …}`; nil when bubblewrap ended without writing it.
    private func readChildPID() -> pid_t? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while bytes.count < 16384 {
            let count = buffer.withUnsafeMutableBytes { read(infoRead, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return nil }
            bytes += buffer[0..<count]
            if bytes.contains(UInt8(ascii: "}")) { break }
        }
        let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        return (object?["child-pid"] as? Int).map { pid_t($0) }
    }

    /// `fixloop-sandbox-exec --network-helper 3 UID GID limits… -- slirp4netns …` with the sandbox's network
    /// namespace at 3, the ready pipe at 4 and the exit pipe at 5.
    private func launch(netns: Int32, ready: Int32) -> ProcessLaunch {
        let limits = settings.limits
        let user = [settings.userID, settings.groupID].map { $0.map(String.init) ?? "-1" }
        let numbers = [limits.cpuSeconds, limits.memoryBytes, limits.processes, limits.openFiles, limits.fileSizeBytes]
        let slirp = [
            settings.networkHelperPath, "--configure", "--mtu=\(Self.mtu)", "--disable-host-loopback",
            "--enable-sandbox", "--enable-seccomp", "--ready-fd=4", "--exit-fd=5", "--netns-type=path",
            "/proc/self/fd/3", "tap0",
        ]
        let helper = settings.execHelperPath
        return ProcessLaunch(
            executable: helper,
            arguments: [helper, "--network-helper", "3"] + user + numbers.map(String.init) + ["--"] + slirp,
            environment: [:], workingDirectory: "/", inheritedDescriptors: [3: netns, 4: ready, 5: exitRead],
            wallClockSeconds: 0, outputBytes: 0, outputKillBytes: 0)
    }
}
