import CFixloopSandbox
import FixloopCore
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What to start: an absolute executable, its argv, an explicit environment and the limits the runner enforces.
struct ProcessLaunch: Sendable {
    /// The absolute path of the program.
    var executable: String
    /// argv, including argv[0].
    var arguments: [String]
    /// The whole environment of the child; nothing is inherited.
    var environment: [String: String]
    /// The child's working directory, or nil for the runner's.
    var workingDirectory: String?
    /// Bytes written to standard input, which is then closed.
    var standardInput: [UInt8] = []
    /// Host descriptors handed to the child at fixed numbers (child fd → host fd), e.g. for `bwrap --bind-fd`.
    var inheritedDescriptors: [Int32: Int32] = [:]
    /// Seconds until the process group is killed.
    var wallClockSeconds: Double
    /// Bytes kept per stream.
    var outputBytes: Int
    /// Bytes on one stream after which the process group is killed.
    var outputKillBytes: Int
    /// The workspace measured during the run; the process group is killed when it passes a limit.
    var workspaceQuota: WorkspaceQuota?
}

/// How a launched process ended, as the runner saw it.
struct ProcessOutcome: Sendable {
    var termination: SandboxTermination
    /// `.wallClock`, `.output`, `.files` or `.diskSpace` when the runner killed the group; nil otherwise.
    var killedFor: SandboxLimit?
    var standardOutput: CapturedOutput
    var standardError: CapturedOutput
    var durationSeconds: Double
}

/// Starts a process in its own process group, feeds its input, captures its output within a cap, enforces the
/// wall clock and the workspace quota, and kills the whole group before returning.
///
/// All blocking calls (poll, read, waitpid) run on a dedicated thread, never on the cooperative pool.
enum ChildProcess {
    /// Runs `launch` to completion.
    /// - Throws: ``SandboxError`` when the process cannot be started.
    static func run(_ launch: ProcessLaunch) async throws -> ProcessOutcome {
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(with: Result { try runBlocking(launch, cancelled: cancelled) })
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
        } onCancel: {
            cancelled.set()
        }
    }

    private static func runBlocking(_ launch: ProcessLaunch, cancelled: CancellationFlag) throws -> ProcessOutcome {
        // A child that exits without reading its input must give EPIPE, not kill Fixloop with SIGPIPE.
        // Children get every signal's default back through POSIX_SPAWN_SETSIGDEF.
        signal(SIGPIPE, SIG_IGN)
        let clock = ContinuousClock()
        let start = clock.now
        let pipes = try PipeSet()
        let pid = try spawn(launch, pipes: pipes)
        pipes.closeChildEnds()
        var loop = CaptureLoop(
            pid: pid, pipes: pipes, input: launch.standardInput, outputBytes: launch.outputBytes,
            outputKillBytes: launch.outputKillBytes,
            deadline: start.advanced(by: .milliseconds(Int64(launch.wallClockSeconds * 1000))),
            workspace: launch.workspaceQuota.flatMap { WorkspaceWatch($0, start: start) })
        let (status, killedFor) = loop.run(cancelled: cancelled)
        pipes.closeParentEnds()
        let elapsed = start.duration(to: clock.now)
        let seconds = elapsed.inSeconds
        return ProcessOutcome(
            termination: termination(of: status), killedFor: killedFor, standardOutput: loop.stdout.finish(),
            standardError: loop.stderr.finish(), durationSeconds: seconds)
    }

    private static func termination(of status: Int32) -> SandboxTermination {
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }

    /// Starts `launch` in a process group of its own with the pipes as its standard streams; returns its pid.
    static func spawn(_ launch: ProcessLaunch, pipes: PipeSet) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes.inputRead, 0)
        posix_spawn_file_actions_adddup2(&actions, pipes.outputWrite, 1)
        posix_spawn_file_actions_adddup2(&actions, pipes.errorWrite, 2)
        for (child, host) in launch.inheritedDescriptors.sorted(by: { $0.key < $1.key }) {
            posix_spawn_file_actions_adddup2(&actions, host, child)
        }
        let firstFree = (launch.inheritedDescriptors.keys.max() ?? 2) + 1
        fixloop_spawn_addclosefrom(&actions, max(firstFree, 3))
        if let directory = launch.workingDirectory {
            fixloop_spawn_addchdir(&actions, directory)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = launch.arguments.map { strdup($0) } + [nil]
        let envp = launch.environment.sorted(by: { $0.key < $1.key }).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, launch.executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SandboxError.launchFailed(program: launch.executable, reason: String(cString: strerror(result)))
        }
        return pid
    }
}

/// Set from the task's cancellation handler, read by the blocking loop.
final class CancellationFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
