import FixloopCore
import Foundation

@testable import FixloopSandbox

/// Shared helpers for tests that run the real sandbox.
enum SandboxSupport {
    /// The real bubblewrap sandbox; detection happens once per call (cheap: one `true` run).
    static func sandbox() async throws -> BubblewrapSandbox {
        try await BubblewrapSandbox.detect(configuration: .init(hostEnvironment: ["TERM": "dumb"]))
    }

    /// The built-in test policy with a short wall clock for tests.
    static func testPolicy(wallClock: Double = 20) throws -> SandboxPolicy {
        var policy = try SandboxPolicyCatalog(directories: []).policy("test")
        policy.limits.wallClockSeconds = wallClock
        return policy
    }

    /// A fresh directory under the system temporary directory, removed by the caller.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs a shell command in `workspace` under the test policy.
    static func shell(
        _ command: String, in workspace: URL, policy: SandboxPolicy? = nil, readOnly: [String] = []
    ) async throws -> SandboxResult {
        let sandbox = try await sandbox()
        return try await sandbox.run(.shell(command, workspace: workspace, policy: policy ?? testPolicy(),
                                            extraReadOnlyPaths: readOnly))
    }
}

/// Looks at the host's processes, for asserting that nothing outlived a sandbox.
enum HostProcesses {
    /// Pids whose command line contains `marker`.
    static func matching(_ marker: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let text = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            return text.contains(marker)
        }
    }

    /// True while `pid` exists and is not a zombie.
    static func isAlive(_ pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = status.lastIndex(of: ")") else { return false }
        let state = status[status.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }
}
