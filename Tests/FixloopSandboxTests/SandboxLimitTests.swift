import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

/// Resource abuse and process escapes: each bounded by the sandbox, each leaving the host as it was.
@Suite struct SandboxLimitTests {
    func policy(_ change: (inout SandboxLimits) -> Void) throws -> SandboxPolicy {
        var policy = try SandboxSupport.testPolicy()
        change(&policy.limits)
        return policy
    }

    func inWorkspace<T>(_ label: String, _ body: (URL) async throws -> T) async throws -> T {
        let workspace = try SandboxSupport.temporaryDirectory(label)
        defer { try? FileManager.default.removeItem(at: workspace) }
        return try await body(workspace)
    }

    @Test func aForkBombStopsAtTheProcessLimit() async throws {
        try await inWorkspace("fork") { workspace in
            let marker = "\(Int.random(in: 100_000...999_999)).25"
            let script = """
                import os
                n = 0
                try:
                    while n < 400:
                        if os.fork() == 0:
                            os.execv("/usr/bin/sleep", ["sleep", "\(marker)"])
                        n += 1
                except OSError as error:
                    print("stopped", n, error.errno)
                print("forked", n)
                """
            try script.write(to: workspace.appendingPathComponent("bomb.py"), atomically: true, encoding: .utf8)
            let result = try await SandboxSupport.shell(
                "python3 bomb.py", in: workspace, policy: policy { $0.processes = 64 })
            #expect(result.standardOutput.text.contains("stopped"))
            let forked = result.standardOutput.text.split(separator: "\n").last.flatMap { Int($0.split(separator: " ").last ?? "") }
            #expect((forked ?? 400) < 64)
            #expect(HostProcesses.matching("sleep \(marker)").isEmpty)
        }
    }

    @Test func aMemoryBombFailsAtTheMemoryLimit() async throws {
        try await inWorkspace("memory") { workspace in
            let result = try await SandboxSupport.shell(
                "python3 -c 'b = bytearray(2 * 1024 ** 3); print(len(b))'", in: workspace,
                policy: policy { $0.memoryBytes = 256 << 20 })
            #expect(!result.succeeded)
            #expect(result.limit == .memory)
            #expect(!result.standardOutput.text.contains("2147483648"))
        }
    }

    @Test func fillingTmpOrWritingAHugeFileStopsAtTheLimits() async throws {
        try await inWorkspace("disk") { workspace in
            var small = try policy { $0.fileSizeBytes = 8 << 20 }
            small.tmpSizeBytes = 4 << 20
            let tmp = try await SandboxSupport.shell(
                "dd if=/dev/zero of=/tmp/fill bs=1M count=64", in: workspace, policy: small)
            #expect(tmp.limit == .diskSpace)
            let big = try await SandboxSupport.shell(
                "dd if=/dev/zero of=big bs=1M count=64", in: workspace, policy: small)
            #expect(big.limit == .fileSize)
            let size = try FileManager.default.attributesOfItem(atPath: workspace.appendingPathComponent("big").path)[.size] as? Int
            #expect((size ?? 0) <= 8 << 20)
        }
    }

    @Test func floodingStdoutIsCappedAndKilled() async throws {
        try await inWorkspace("flood") { workspace in
            let result = try await SandboxSupport.shell("yes flood", in: workspace, policy: policy {
                $0.outputBytes = 4096
                $0.outputKillBytes = 4 << 20
            })
            #expect(result.limit == .output)
            #expect(result.standardOutput.head.utf8.count + result.standardOutput.tail.utf8.count <= 4096)
            #expect(result.standardOutput.totalBytes > 4 << 20)
            #expect(result.standardOutput.elidedBytes > 0)
        }
    }

    @Test func aLoopForeverIsStoppedByTheWallClock() async throws {
        try await inWorkspace("loop") { workspace in
            let result = try await SandboxSupport.shell(
                "while :; do :; done", in: workspace, policy: policy { $0.wallClockSeconds = 1 })
            #expect(result.limit == .wallClock)
            #expect(result.durationSeconds < 5)
        }
    }

    @Test func daemonsAreGoneWhenTheRunReturns() async throws {
        try await inWorkspace("daemon") { workspace in
            let marker = "\(Int.random(in: 100_000...999_999)).5"
            let script = "setsid sh -c 'sleep \(marker) &'; (sleep \(marker) &); nohup sleep \(marker) >/dev/null 2>&1 & echo started"
            let result = try await SandboxSupport.shell(script, in: workspace)
            #expect(result.standardOutput.text.contains("started"))
            let survivors = HostProcesses.matching("sleep \(marker)")
            #expect(survivors.isEmpty, "\(survivors.map(HostProcesses.describe))")
        }
    }

    @Test func cancellingTheRunKillsTheWholeTree() async throws {
        try await inWorkspace("cancel") { workspace in
            let marker = "\(Int.random(in: 100_000...999_999)).75"
            let sandbox = try await SandboxSupport.sandbox()
            let policy = try SandboxSupport.testPolicy()
            let task = Task {
                try await sandbox.run(.shell("sleep \(marker) & sleep \(marker)", workspace: workspace, policy: policy))
            }
            // Wait until the sleeps run (a loaded machine may take seconds to start the sandbox), at most 60 s.
            for _ in 0..<600 where HostProcesses.matching("sleep \(marker)").isEmpty {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(!HostProcesses.matching("sleep \(marker)").isEmpty, "control: the sleeps were running")
            task.cancel()
            let result = try await task.value
            #expect(result.termination != .exited(0))
            // The tree is killed as the run ends; give a loaded machine a moment to reap it (the sleeps would last
            // days, so anything still there after this is a survivor).
            for _ in 0..<50 where !HostProcesses.matching("sleep \(marker)").isEmpty {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(HostProcesses.matching("sleep \(marker)").isEmpty)
        }
    }

    @Test func hostProcessesAreInvisibleAndCannotBeTracedOrSignalled() async throws {
        try await inWorkspace("proc") { workspace in
            let host = getpid()
            let script = """
                import ctypes, os
                print("pids", len([p for p in os.listdir("/proc") if p.isdigit()]))
                print("host visible", os.path.exists("/proc/\(host)"))
                libc = ctypes.CDLL(None, use_errno=True)
                print("ptrace", libc.ptrace(16, \(host), 0, 0), ctypes.get_errno())
                try:
                    os.kill(\(host), 0); print("SIGNALLED host")
                except OSError as error:
                    print("kill refused", error.errno)
                """
            try script.write(to: workspace.appendingPathComponent("proc.py"), atomically: true, encoding: .utf8)
            let result = try await SandboxSupport.shell("python3 proc.py", in: workspace)
            let text = result.standardOutput.text
            #expect(text.contains("host visible False"))
            #expect(text.contains("ptrace -1"))
            #expect(text.contains("kill refused"))
            let count = text.split(separator: "\n").first.flatMap { Int($0.split(separator: " ").last ?? "") }
            #expect((count ?? 99) < 8)
        }
    }

    @Test func killMinusOneReachesOnlyTheSandbox() async throws {
        try await inWorkspace("kill") { workspace in
            // A host process of the sandbox's own uid: without a PID namespace `kill -1` would reach it.
            // It must outlive the run however slow a loaded machine is; the test stops it itself.
            let canary = Process()
            canary.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            var policy = try SandboxSupport.testPolicy()
            // A uid of its own, outside the policy's range, so no concurrent run shares it with the canary.
            policy.userID = 1_700_000
            policy.groupID = 1_700_000
            policy.userCount = 1
            canary.arguments = geteuid() == 0
                ? ["--reuid=\(policy.userID)", "--regid=\(policy.groupID)", "--clear-groups", "/usr/bin/sleep", "900"]
                : ["/usr/bin/sleep", "900"]
            try canary.run()
            defer { kill(canary.processIdentifier, SIGKILL) }  // the spawning thread may block SIGTERM
            let result = try await SandboxSupport.shell("kill -9 -1; echo survived", in: workspace, policy: policy)
            #expect(result.termination != .exited(0) || !result.standardOutput.text.isEmpty)
            #expect(HostProcesses.isAlive(canary.processIdentifier))
        }
    }

    @Test func noControllingTerminalForTIOCSTI() async throws {
        try await inWorkspace("tty") { workspace in
            let script = """
                import fcntl, os, termios
                try:
                    os.open("/dev/tty", os.O_RDWR); print("OPENED tty")
                except OSError as error:
                    print("no tty", error.errno)
                for fd in (0, 1, 2):
                    try:
                        fcntl.ioctl(fd, termios.TIOCSTI, b"x"); print("INJECTED", fd)
                    except OSError as error:
                        print("refused", fd, error.errno)
                print("sid", os.getsid(0) == os.getpid())
                """
            try script.write(to: workspace.appendingPathComponent("tty.py"), atomically: true, encoding: .utf8)
            let result = try await SandboxSupport.shell("exec python3 tty.py", in: workspace)
            #expect(result.standardOutput.text.contains("no tty"))
            #expect(!result.standardOutput.text.contains("INJECTED"))
            #expect(!result.standardOutput.text.contains("OPENED"))
        }
    }
}

