/// What a sandboxed command may see and use: one file in the top-level `sandbox/` folder.
///
/// A policy is plain data; `FixloopSandbox` reads it from TOML and turns it into bubblewrap arguments.
/// Nothing outside ``readOnlyPaths``, the workspace and the private `/tmp` and `$HOME` is visible inside.
public struct SandboxPolicy: Sendable, Equatable {
    /// The policy's name (`test`, `setup`, …), used in results and messages.
    public var name: String
    /// Whether the command may use the network (the `setup` policy); the `test` policy never does.
    public var network: Bool
    /// Host paths bound read-only at the same place inside (missing ones are skipped).
    public var readOnlyPaths: [String]
    /// Where the workspace appears inside the sandbox.
    public var workspacePath: String
    /// The private `$HOME` inside the sandbox (an empty tmpfs).
    public var homePath: String
    /// The size of the private `/tmp` tmpfs, in bytes.
    public var tmpSizeBytes: Int
    /// The size of the private `$HOME` tmpfs, in bytes.
    public var homeSizeBytes: Int
    /// The size of the private `/dev/shm` tmpfs, in bytes (the rest of `/dev` is read-only).
    public var shmSizeBytes: Int
    /// Variables set inside, whatever the host has (`PATH`, `LANG`, …).
    public var setEnvironment: [String: String]
    /// Names copied from the host environment when present (an allow-list; nothing else passes).
    public var passEnvironment: [String]
    /// The resource limits.
    public var limits: SandboxLimits
    /// The unprivileged host user the command runs as when Fixloop itself runs as root.
    public var userID: UInt32
    /// The group of ``userID``.
    public var groupID: UInt32
    /// How many consecutive uids (and gids) from ``userID`` concurrent runs may take, one each.
    public var userCount: Int

    /// Creates a policy; every value has a conservative default.
    public init(
        name: String, network: Bool = false, readOnlyPaths: [String] = [], workspacePath: String = "/workspace",
        homePath: String = "/home/sandbox", tmpSizeBytes: Int = 512 << 20, homeSizeBytes: Int = 256 << 20,
        shmSizeBytes: Int = 64 << 20,
        setEnvironment: [String: String] = [:], passEnvironment: [String] = [], limits: SandboxLimits = SandboxLimits(),
        userID: UInt32 = 65534, groupID: UInt32 = 65534, userCount: Int = 1
    ) {
        self.name = name
        self.network = network
        self.readOnlyPaths = readOnlyPaths
        self.workspacePath = workspacePath
        self.homePath = homePath
        self.tmpSizeBytes = tmpSizeBytes
        self.homeSizeBytes = homeSizeBytes
        self.shmSizeBytes = shmSizeBytes
        self.setEnvironment = setEnvironment
        self.passEnvironment = passEnvironment
        self.limits = limits
        self.userID = userID
        self.groupID = groupID
        self.userCount = userCount
    }
}

/// The resource limits of a sandboxed command.
public struct SandboxLimits: Sendable, Equatable {
    /// CPU seconds per process (`RLIMIT_CPU`).
    public var cpuSeconds: Int
    /// Address space per process in bytes (`RLIMIT_AS`).
    public var memoryBytes: Int
    /// Processes of the sandbox user (`RLIMIT_NPROC`; enforced because the user is not root).
    public var processes: Int
    /// Open files per process (`RLIMIT_NOFILE`).
    public var openFiles: Int
    /// The largest file a process may write, in bytes (`RLIMIT_FSIZE`).
    public var fileSizeBytes: Int
    /// Wall-clock seconds before the whole sandbox is killed.
    public var wallClockSeconds: Double
    /// Bytes of each of stdout and stderr kept (head and tail); the middle is counted, not kept.
    public var outputBytes: Int
    /// Bytes of output on one stream after which the sandbox is killed.
    public var outputKillBytes: Int
    /// Disk space the workspace (without `.git`) may take, in bytes; measured during the run, which is killed
    /// when it is passed.
    public var workspaceBytes: Int
    /// Files and folders the workspace (without `.git`) may hold; measured and enforced like ``workspaceBytes``.
    public var workspaceFiles: Int

    /// Creates limits; the defaults suit a test suite of a small or mid-size project.
    public init(
        cpuSeconds: Int = 600, memoryBytes: Int = 8 << 30, processes: Int = 512, openFiles: Int = 4096,
        fileSizeBytes: Int = 1 << 30, wallClockSeconds: Double = 900, outputBytes: Int = 1 << 20,
        outputKillBytes: Int = 256 << 20, workspaceBytes: Int = 4 << 30, workspaceFiles: Int = 150_000
    ) {
        self.cpuSeconds = cpuSeconds
        self.memoryBytes = memoryBytes
        self.processes = processes
        self.openFiles = openFiles
        self.fileSizeBytes = fileSizeBytes
        self.wallClockSeconds = wallClockSeconds
        self.outputBytes = outputBytes
        self.outputKillBytes = outputKillBytes
        self.workspaceBytes = workspaceBytes
        self.workspaceFiles = workspaceFiles
    }
}
