import FixloopCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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

extension LimitDiagnosis {
    /// Refuses a policy whose rlimits are above this process's hard limits when they cannot be raised (no
    /// `CAP_SYS_RESOURCE`): the helper's `setrlimit` would fail and the command would never start.
    /// - Throws: ``SandboxError`` `hostLimitBelowPolicy` naming the key, both values and what to do.
    static func checkHostLimits(_ limits: SandboxLimits, canRaise: Bool = mayRaiseHardLimits()) throws {
        guard !canRaise else { return }
        let megabyte = 1 << 20
        let checks: [(__rlimit_resource_t, String, String, Int, Int, String)] = [
            (__rlimit_resource_t(RLIMIT_AS.rawValue), "RLIMIT_AS", "limits.memory_mb", limits.memoryBytes, megabyte, " MB"),
            (__rlimit_resource_t(RLIMIT_CPU.rawValue), "RLIMIT_CPU", "limits.cpu_seconds", limits.cpuSeconds, 1, " s"),
            (__rlimit_resource_t(__RLIMIT_NPROC.rawValue), "RLIMIT_NPROC", "limits.processes", limits.processes, 1, ""),
            (__rlimit_resource_t(RLIMIT_NOFILE.rawValue), "RLIMIT_NOFILE", "limits.open_files", limits.openFiles, 1, ""),
            (__rlimit_resource_t(RLIMIT_FSIZE.rawValue), "RLIMIT_FSIZE", "limits.file_size_mb", limits.fileSizeBytes, megabyte, " MB"),
        ]
        for (resource, name, key, wanted, unit, suffix) in checks {
            var current = rlimit()
            guard getrlimit(resource, &current) == 0,
                  current.rlim_max != rlim_t.max, UInt64(current.rlim_max) < UInt64(wanted) else { continue }
            throw SandboxError.hostLimitBelowPolicy(
                key: key, resource: name, policy: "\(wanted / unit)\(suffix)",
                hard: "\(Int(current.rlim_max) / unit)\(suffix)")
        }
    }

    /// Whether this process holds `CAP_SYS_RESOURCE` (bit 24 of `CapEff` in /proc/self/status).
    static func mayRaiseHardLimits() -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return geteuid() == 0 }
        return mask & (1 << 24) != 0
    }
}
