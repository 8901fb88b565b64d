import FixloopCore
import Foundation

/// The per-command cost of the sandbox against a bare process start, both measured in the same run.
public struct SandboxBenchmark: Sendable, Codable, Equatable {
    /// Runs of each kind.
    public var runs: Int
    /// Median milliseconds of starting `/usr/bin/true` directly, through the same spawner and output capture.
    public var bareMedianMilliseconds: Double
    /// Median milliseconds of running `/usr/bin/true` in the sandbox under the policy.
    public var sandboxMedianMilliseconds: Double
    /// Median of the per-pair differences (sandboxed minus bare), in milliseconds.
    public var overheadMedianMilliseconds: Double
    /// `sandboxMedian / bareMedian`.
    public var ratio: Double

    enum CodingKeys: String, CodingKey {
        case runs, ratio
        case bareMedianMilliseconds = "bare_median_ms"
        case sandboxMedianMilliseconds = "sandbox_median_ms"
        case overheadMedianMilliseconds = "overhead_median_ms"
    }

    /// Measures `runs` interleaved pairs after a few warm-ups.
    /// - Parameters:
    ///   - runs: pairs to time.
    ///   - sandbox: the sandbox under test.
    ///   - policy: its policy (usually `test`).
    ///   - workspace: an empty directory to bind as the workspace.
    /// - Throws: ``SandboxError`` when a run cannot start.
    public static func measure(
        runs: Int, sandbox: any Sandbox, policy: SandboxPolicy, workspace: URL
    ) async throws -> SandboxBenchmark {
        let bare = ProcessLaunch(
            executable: "/usr/bin/true", arguments: ["/usr/bin/true"], environment: ["PATH": "/usr/bin:/bin"],
            workingDirectory: nil, wallClockSeconds: 30, outputBytes: 4096, outputKillBytes: 1 << 20)
        let request = SandboxRequest(arguments: ["/usr/bin/true"], workspace: workspace, policy: policy)
        let clock = ContinuousClock()
        var bareTimes: [Double] = []
        var sandboxTimes: [Double] = []
        for index in 0..<(runs + 5) {
            let bareStart = clock.now
            _ = try await ChildProcess.run(bare)
            let bareTime = milliseconds(bareStart.duration(to: clock.now))
            let sandboxStart = clock.now
            _ = try await sandbox.run(request)
            let sandboxTime = milliseconds(sandboxStart.duration(to: clock.now))
            if index >= 5 {
                bareTimes.append(bareTime)
                sandboxTimes.append(sandboxTime)
            }
        }
        let bareMedian = median(bareTimes)
        let sandboxMedian = median(sandboxTimes)
        return SandboxBenchmark(
            runs: runs, bareMedianMilliseconds: bareMedian, sandboxMedianMilliseconds: sandboxMedian,
            overheadMedianMilliseconds: median(zip(sandboxTimes, bareTimes).map { $0 - $1 }),
            ratio: bareMedian > 0 ? sandboxMedian / bareMedian : 0)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        duration.inMilliseconds
    }
}
