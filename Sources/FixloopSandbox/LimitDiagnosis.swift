import FixloopCore

/// Names the limit that stopped a command, from what the runner enforced and how the command ended.
///
/// The runner knows for certain when it killed for the wall clock or the output. The rlimits are read from the
/// signal (bubblewrap and shells report a signalled child as 128 + signal) and, for failures the kernel reports
/// only as an errno, from the usual messages on standard error; those are best-effort.
enum LimitDiagnosis {
    private static let sigxcpu: Int32 = 24
    private static let sigxfsz: Int32 = 25

    static func result(of outcome: ProcessOutcome) -> SandboxResult {
        SandboxResult(
            termination: outcome.termination,
            limit: outcome.killedFor ?? limit(termination: outcome.termination, standardError: outcome.standardError.text),
            durationSeconds: outcome.durationSeconds, standardOutput: outcome.standardOutput,
            standardError: outcome.standardError)
    }

    /// The rlimit that most likely stopped a command that ended this way, or nil.
    static func limit(termination: SandboxTermination, standardError: String) -> SandboxLimit? {
        let signal: Int32?
        switch termination {
        case .signaled(let number): signal = number
        case .exited(let status) where status > 128 && status <= 128 + 64: signal = status - 128
        case .exited(0): return nil
        case .exited: signal = nil
        }
        if signal == sigxcpu { return .cpuTime }
        if signal == sigxfsz { return .fileSize }
        let text = standardError
        if text.contains("MemoryError") || text.contains("Cannot allocate memory") || text.contains("std::bad_alloc")
            || text.contains("out of memory") { return .memory }
        if text.contains("No space left on device") { return .diskSpace }
        if text.contains("Too many open files") { return .openFiles }
        if text.contains("fork: Resource temporarily unavailable") || text.contains("Cannot fork")
            || text.contains("can't fork") || text.contains("BlockingIOError: [Errno 11]") { return .processes }
        if text.contains("File size limit exceeded") { return .fileSize }
        return nil
    }
}
