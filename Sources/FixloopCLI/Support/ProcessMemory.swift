import Foundation

/// This process's resident memory, from Linux's `/proc/self`, and its processor time.
enum ProcessMemory {
    /// Resets the peak resident size (`VmHWM`) to the current one, so a later peak measures only what follows.
    static func resetPeak() {
        // Free heap the allocator kept (a generated export leaves megabytes of it), so the new peak starts from
        // what is in use: otherwise the peak would carry what ran before.
        // glibc's malloc_trim, looked up at run time (it is not in the Glibc module).
        if let symbol = dlsym(nil, "malloc_trim") {
            _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
        }
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The peak resident size (`VmHWM`) in MiB, or nil where `/proc/self/status` is not readable.
    static func peakMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
            return digits.map { $0 / 1024 }
        }
        return nil
    }

    /// Processor time this process has used so far (user and system, all threads), in seconds.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }
}
