import FixloopCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real sandbox: bubblewrap, run as an unprivileged host user, with rlimits, a wall clock and an output cap.
///
/// Build it with ``detect(configuration:)``, which checks once that bubblewrap exists and can create its
/// namespaces, so a missing tool fails with advice instead of a confusing result.
public struct BubblewrapSandbox: Sandbox {
    /// Where the tools are and what the host environment holds (read by the CLI, at the edge).
    public struct Configuration: Sendable {
        /// The bubblewrap executable.
        public var bubblewrapPath: String
        /// `setpriv`, used to drop to the policy's user when Fixloop runs as root.
        public var setprivPath: String
        /// The host environment; only names on a policy's allow-list are copied inside.
        public var hostEnvironment: [String: String]
        /// `fixloop-sandbox-exec`, which sets the rlimits and drops to the sandbox user in one exec; when nil,
        /// `setpriv` and `prlimit` do the same in two.
        public var helperPath: String?
        /// Whether to load the seccomp deny-list (x86_64 only).
        public var seccomp: Bool
        /// slirp4netns, which gives a policy with network a network namespace of its own.
        public var networkHelperPath: String

        /// Creates a configuration with the Debian paths.
        public init(
            bubblewrapPath: String = "/usr/bin/bwrap", setprivPath: String = "/usr/bin/setpriv",
            hostEnvironment: [String: String] = [:], helperPath: String? = SandboxHelper.defaultPath(),
            seccomp: Bool = true, networkHelperPath: String = "/usr/bin/slirp4netns"
        ) {
            self.seccomp = seccomp
            self.networkHelperPath = networkHelperPath
            self.bubblewrapPath = bubblewrapPath
            self.setprivPath = setprivPath
            self.hostEnvironment = hostEnvironment
            self.helperPath = helperPath
        }
    }

    /// The configuration in use.
    public let configuration: Configuration
    public var kind: String { "bubblewrap" }

    private init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Checks that bubblewrap is installed and can create its namespaces here, then returns the sandbox.
    /// - Throws: ``SandboxError`` `bubblewrapMissing` or `namespacesUnavailable`, each saying how to fix it.
    public static func detect(configuration: Configuration = Configuration()) async throws -> BubblewrapSandbox {
        guard access(configuration.bubblewrapPath, X_OK) == 0 else {
            throw SandboxError.bubblewrapMissing(path: configuration.bubblewrapPath)
        }
        let sandbox = BubblewrapSandbox(configuration: configuration)
        let probe = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: probe) }
        var policy = SandboxPolicy(name: "probe", readOnlyPaths: ["/usr"])
        policy.limits.wallClockSeconds = 20
        // Small, so a hard RLIMIT_AS on Fixloop is reported by the first real run against its own policy.
        policy.limits.memoryBytes = 256 << 20
        let result: SandboxResult
        do {
            result = try await sandbox.run(SandboxRequest(arguments: ["/usr/bin/true"], workspace: probe, policy: policy))
        } catch let error as SandboxError where error.kind == .launchFailed {
            throw SandboxError.namespacesUnavailable(detail: error.cause ?? error.message)
        }
        guard result.succeeded else {
            let firstLine = result.standardError.text.split(separator: "\n").first.map(String.init) ?? "\(result.termination)"
            throw SandboxError.namespacesUnavailable(detail: firstLine)
        }
        return sandbox
    }

    /// Runs one command under bubblewrap; see ``Sandbox/run(_:)``.
    public func run(_ request: SandboxRequest) async throws -> SandboxResult {
        let workspace = request.workspace.standardizedFileURL.path
        let dropPrivileges = geteuid() == 0
        // Undo what runs killed with SIGKILL left behind (ownership handed out, scratch copies).
        _ = try? await BlockingWork.run { LeftoverRecord.sweep() }
        var policy = request.policy
        try LimitDiagnosis.checkHostLimits(policy.limits)
        let lease = dropPrivileges
            ? try await SandboxUserLease.acquire(
                baseUser: policy.userID, baseGroup: policy.groupID, count: policy.userCount) : nil
        defer { lease?.release() }
        if let lease {
            policy.userID = lease.userID
            policy.groupID = lease.groupID
            for path in [workspace] + [request.readWriteBind?.hostPath].compactMap({ $0 }) {
                try Self.checkTraversable(path, user: lease.userID, group: lease.groupID)
            }
        }
        var request = request
        let split = try readOnlySplit(request.extraReadOnlyPaths, policy: &policy, lease: lease)
        request.policy = policy
        request.extraReadOnlyPaths = split.direct
        let stage = try await BlockingWork.run { try ReadOnlyStage.make(for: split.staged) }
        defer { stage?.remove() }
        let handles = try BubblewrapHandles(
            workspace: workspace, extraReadOnly: request.extraReadOnlyPaths,
            seccomp: configuration.seccomp ? SeccompFilter.program : nil, readWrite: request.readWriteBind,
            staged: stage?.entries ?? [])
        defer { handles.close() }
        let (user, group) = (policy.userID, policy.groupID)
        let bound = [workspace] + [request.readWriteBind?.hostPath].compactMap { $0 }
        let ownership = dropPrivileges
            ? try await BlockingWork.run { try bound.map { try WorkspaceOwnership.hand($0, to: user, group: group) } } : []
        let outcome: ProcessOutcome
        do {
            outcome = try await launch(request, handles: handles, dropPrivileges: dropPrivileges)
        } catch {
            _ = try? await BlockingWork.run { ownership.forEach { $0.restore() } }
            throw error
        }
        _ = try? await BlockingWork.run { ownership.forEach { $0.restore() } }
        // bubblewrap's and the helper's own failures (exit 1 "bwrap: …", exit 125/127 "fixloop-sandbox-exec: …")
        // mean the command never ran: an error, not a result.
        let firstLine = outcome.standardError.head.split(separator: "\n").first.map(String.init) ?? ""
        if outcome.killedFor == nil, outcome.termination == .exited(1), firstLine.hasPrefix("bwrap: ") {
            throw SandboxError.launchFailed(program: "bubblewrap", reason: firstLine)
        }
        if outcome.killedFor == nil, [.exited(125), .exited(127)].contains(outcome.termination),
           firstLine.hasPrefix(SandboxHelper.name + ": ") {
            throw SandboxError.launchFailed(program: SandboxHelper.name, reason: firstLine)
        }
        return LimitDiagnosis.result(of: outcome)
    }

    private func launch(
        _ request: SandboxRequest, handles: BubblewrapHandles, dropPrivileges: Bool
    ) async throws -> ProcessOutcome {
        let builder = BubblewrapArguments(
            hostSymlinks: BubblewrapArguments.hostSymlinks(among: request.policy.readOnlyPaths),
            hostEnvironment: configuration.hostEnvironment)
        return try await withNetwork(for: request.policy, dropPrivileges: dropPrivileges, after: handles) { network in
            var descriptors = handles.childDescriptors
            descriptors.network = network?.childDescriptors
            let (executable, argv) = commandLine(
                request: request, builder: builder, descriptors: descriptors, dropPrivileges: dropPrivileges)
            let limits = request.policy.limits
            return try await ChildProcess.run(ProcessLaunch(
                executable: executable, arguments: argv, environment: ["PATH": "/usr/bin:/bin"],
                workingDirectory: "/", standardInput: request.standardInput,
                inheritedDescriptors: handles.inheritance.merging(network?.inheritance ?? [:]) { kept, _ in kept },
                wallClockSeconds: limits.wallClockSeconds,
                outputBytes: limits.outputBytes, outputKillBytes: limits.outputKillBytes,
                workspaceQuota: WorkspaceQuota(
                    path: request.workspace.standardizedFileURL.path, bytes: limits.workspaceBytes,
                    files: limits.workspaceFiles)))
        }
    }

    /// The host command line: the helper (or `setpriv` and `prlimit`), then bubblewrap, then the command.
    private func commandLine(
        request: SandboxRequest, builder: BubblewrapArguments, descriptors: BubblewrapArguments.Descriptors,
        dropPrivileges: Bool
    ) -> (String, [String]) {
        let policy = request.policy
        let bwrap = [configuration.bubblewrapPath] + builder.make(
            policy: policy, command: request.arguments, descriptors: descriptors,
            limitsInside: configuration.helperPath == nil)
        if let helper = configuration.helperPath {
            let limits = policy.limits
            let user = dropPrivileges ? ["\(policy.userID)", "\(policy.groupID)"] : ["-1", "-1"]
            let numbers = [limits.cpuSeconds, limits.memoryBytes, limits.processes, limits.openFiles, limits.fileSizeBytes]
            let stages = descriptors.staged.flatMap { ["--stage", String($0.descriptor), $0.entry] }
            return (helper, [helper] + stages + user + numbers.map(String.init) + ["--"] + bwrap)
        }
        guard dropPrivileges else { return (configuration.bubblewrapPath, bwrap) }
        let setpriv = [
            configuration.setprivPath, "--reuid=\(policy.userID)", "--regid=\(policy.groupID)", "--clear-groups",
            "--inh-caps=-all",
        ]
        return (configuration.setprivPath, setpriv + bwrap)
    }

    /// bubblewrap runs as the sandbox user and resolves bind sources itself, so every folder above a bound path
    /// must be searchable by that user (`/root` and a 0700 state directory are not).
    static func checkTraversable(_ path: String, user: UInt32, group: UInt32) throws {
        if let ancestor = blockingAncestor(of: path, user: user, group: group) {
            throw SandboxError.workspaceInvalid(
                path: path,
                reason: "the sandbox user (uid \(user)) cannot pass through \(ancestor); put it under a "
                    + "searchable folder such as /tmp, or `chmod o+x \(ancestor)`")
        }
    }

    /// The first folder above `path` that `user` cannot search, or nil when it can reach `path`.
    static func blockingAncestor(of path: String, user: UInt32, group: UInt32) -> String? {
        var ancestor = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        while true {
            var info = stat()
            if stat(ancestor.path, &info) == 0 {
                let mode = info.st_mode
                let searchable = info.st_uid == user ? mode & S_IXUSR != 0
                    : info.st_gid == group ? mode & S_IXGRP != 0 : mode & S_IXOTH != 0
                if !searchable { return ancestor.path }
            }
            if ancestor.path == "/" { return nil }
            ancestor = ancestor.deletingLastPathComponent()
        }
    }
}
