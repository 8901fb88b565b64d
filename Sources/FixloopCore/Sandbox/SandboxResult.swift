/// How a sandboxed command ended: always a value, never a thrown error.
public struct SandboxResult: Sendable, Equatable, Codable {
    /// The exit status or the signal.
    public var termination: SandboxTermination
    /// The limit that stopped the command, when one did.
    public var limit: SandboxLimit?
    /// Wall-clock seconds from start until every process was gone.
    public var durationSeconds: Double
    /// Standard output, head and tail within the policy's byte cap.
    public var standardOutput: CapturedOutput
    /// Standard error, head and tail within the policy's byte cap.
    public var standardError: CapturedOutput

    /// Creates a result.
    public init(
        termination: SandboxTermination, limit: SandboxLimit?, durationSeconds: Double,
        standardOutput: CapturedOutput, standardError: CapturedOutput
    ) {
        self.termination = termination
        self.limit = limit
        self.durationSeconds = durationSeconds
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    enum CodingKeys: String, CodingKey {
        case termination, limit
        case durationSeconds = "duration_seconds"
        case standardOutput = "stdout"
        case standardError = "stderr"
    }

    /// True when the command exited with status 0 and no limit fired.
    public var succeeded: Bool { termination == .exited(0) && limit == nil }
}

/// The end of a process: an exit status or a signal.
public enum SandboxTermination: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The process exited with this status (bubblewrap reports a signalled command as 128 + signal).
    case exited(Int32)
    /// The process was killed by this signal.
    case signaled(Int32)

    public var description: String {
        switch self {
        case .exited(let status): return "exit \(status)"
        case .signaled(let signal): return "signal \(signal)"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case exitStatus = "exit_status"
        case signal
    }

    /// Encodes as `{"exit_status": N}` or `{"signal": N}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .exited(let status): try container.encode(status, forKey: .exitStatus)
        case .signaled(let signal): try container.encode(signal, forKey: .signal)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let signal = try container.decodeIfPresent(Int32.self, forKey: .signal) {
            self = .signaled(signal)
        } else {
            self = .exited(try container.decode(Int32.self, forKey: .exitStatus))
        }
    }
}

/// A resource limit of ``SandboxLimits`` that stopped a command.
public enum SandboxLimit: String, Sendable, Equatable, Codable, CaseIterable {
    /// The wall clock ran out; the runner killed the sandbox.
    case wallClock = "wall_clock"
    /// The output passed the kill threshold; the runner killed the sandbox.
    case output
    /// `RLIMIT_CPU` (SIGXCPU).
    case cpuTime = "cpu_time"
    /// `RLIMIT_FSIZE` (SIGXFSZ).
    case fileSize = "file_size"
    /// `RLIMIT_AS`: an allocation failed.
    case memory
    /// `RLIMIT_NPROC`: a fork failed.
    case processes
    /// `RLIMIT_NOFILE`: too many open files.
    case openFiles = "open_files"
    /// A private tmpfs (`/tmp`, `$HOME`, `/dev/shm`) is full, or the workspace passed `limits.workspace_mb`.
    case diskSpace = "disk_space"
    /// The workspace passed `limits.workspace_files`; the runner killed the sandbox.
    case files
}
