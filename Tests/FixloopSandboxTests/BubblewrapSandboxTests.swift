import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

@Suite struct BubblewrapSandboxTests {
    @Test func runsACommandInTheWorkspaceAndCapturesItsOutput() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: workspace) }
        try "hello\n".write(to: workspace.appendingPathComponent("in.txt"), atomically: true, encoding: .utf8)
        let result = try await SandboxSupport.shell(
            "pwd; cat in.txt; echo out > made.txt; echo oops >&2; id -u; exit 3", in: workspace)
        #expect(result.termination == .exited(3))
        #expect(result.limit == nil)
        #expect(result.standardOutput.text.hasPrefix("/workspace\nhello\n"))
        #expect(result.standardError.text == "oops\n")
        let made = try String(contentsOf: workspace.appendingPathComponent("made.txt"), encoding: .utf8)
        #expect(made == "out\n")
        if geteuid() == 0 {
            #expect(!result.standardOutput.text.hasSuffix("\n0\n"))
            var info = stat()
            #expect(stat(workspace.appendingPathComponent("made.txt").path, &info) == 0 && info.st_uid == 0)
        }
    }

    @Test func passesStandardInput() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("stdin")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let sandbox = try await SandboxSupport.sandbox()
        let result = try await sandbox.run(SandboxRequest(
            arguments: ["/usr/bin/wc", "-c"], workspace: workspace, policy: try SandboxSupport.testPolicy(),
            standardInput: Array(repeating: UInt8(ascii: "x"), count: 300_000)))
        #expect(result.standardOutput.text.trimmingCharacters(in: .whitespacesAndNewlines) == "300000")
    }

    @Test func keepsHeadAndTailOfLongOutput() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("cap")
        defer { try? FileManager.default.removeItem(at: workspace) }
        var policy = try SandboxSupport.testPolicy()
        policy.limits.outputBytes = 2048
        let result = try await SandboxSupport.shell("seq 1 100000", in: workspace, policy: policy)
        #expect(result.succeeded)
        #expect(result.standardOutput.head.hasPrefix("1\n2\n3\n"))
        #expect(result.standardOutput.tail.hasSuffix("99999\n100000\n"))
        #expect(result.standardOutput.totalBytes == 588_895)
        #expect(result.standardOutput.elidedBytes == 588_895 - 2048)
    }

    @Test func missingBubblewrapIsAClearError() async {
        await #expect {
            _ = try await BubblewrapSandbox.detect(configuration: .init(bubblewrapPath: "/nonexistent/bwrap"))
        } throws: { error in
            (error as? SandboxError)?.kind == .bubblewrapMissing
                && (error as? SandboxError)?.message.contains("apt-get install bubblewrap") == true
        }
    }

    @Test func bubblewrapSetupFailureIsThrownNotAResult() async throws {
        let sandbox = try await SandboxSupport.sandbox()
        await #expect(throws: SandboxError.self) {
            _ = try await sandbox.run(.shell(
                "true", workspace: URL(fileURLWithPath: "/nonexistent-workspace"),
                policy: try SandboxSupport.testPolicy()))
        }
    }
}

@Suite struct ChildProcessTests {
    @Test func aChildThatIgnoresItsInputDoesNotKillTheRunner() async throws {
        let outcome = try await ChildProcess.run(ProcessLaunch(
            executable: "/usr/bin/true", arguments: ["true"], environment: [:], workingDirectory: nil,
            standardInput: Array(repeating: 0x41, count: 4 << 20), wallClockSeconds: 10, outputBytes: 1024,
            outputKillBytes: 1 << 20))
        #expect(outcome.termination == .exited(0))
        #expect(outcome.killedFor == nil)
    }

    @Test func signalsAndExitStatusesAreReported() async throws {
        let launch = { (script: String) in
            ProcessLaunch(
                executable: "/bin/sh", arguments: ["sh", "-c", script], environment: [:], workingDirectory: "/",
                wallClockSeconds: 10, outputBytes: 1024, outputKillBytes: 1 << 20)
        }
        #expect(try await ChildProcess.run(launch("exit 7")).termination == .exited(7))
        #expect(try await ChildProcess.run(launch("kill -TERM $$")).termination == .signaled(15))
        let pwd = try await ChildProcess.run(launch("pwd; echo $HOME"))
        #expect(pwd.standardOutput.text == "/\n\n", "working directory set, environment empty")
    }
}

@Suite struct SandboxAvailabilityTests {
    @Test func namespacesUnavailableIsAClearErrorWithAFix() async throws {
        let folder = try SandboxSupport.temporaryDirectory("fake-bwrap")
        defer { try? FileManager.default.removeItem(at: folder) }
        let fake = folder.appendingPathComponent("bwrap")
        try """
            #!/bin/sh
            echo "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces." >&2
            exit 1
            """.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        await #expect {
            _ = try await BubblewrapSandbox.detect(configuration: .init(bubblewrapPath: fake.path))
        } throws: { error in
            guard let error = error as? SandboxError else { return false }
            return error.kind == .namespacesUnavailable && error.message.contains("user namespaces")
                && error.message.contains("sysctl")
        }
    }
}
