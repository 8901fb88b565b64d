import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

/// Attempts to reach the host from inside the sandbox; each runs through the real sandbox and checks the host.
@Suite struct SandboxEscapeTests {
    @Test func cannotWriteOutsideTheWorkspace() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("write")
        let outside = try SandboxSupport.temporaryDirectory("outside")
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: outside.path)
        defer {
            try? FileManager.default.removeItem(at: workspace)
            try? FileManager.default.removeItem(at: outside)
        }
        let marker = "canary-\(UUID().uuidString.prefix(8))"
        let targets = ["/etc/\(marker)", "/usr/\(marker)", "\(outside.path)/\(marker)", "/\(marker)",
                       "/opt/swift/\(marker)", "/workspace/.git/\(marker)"]
        let script = targets.map { "echo x > \($0) 2>/dev/null && echo WROTE \($0)" }.joined(separator: "; ")
            + "; echo ok > inside.txt"
        let result = try await SandboxSupport.shell(script, in: workspace)
        #expect(!result.standardOutput.text.contains("WROTE"))
        for target in targets where !target.hasPrefix("/workspace") {
            #expect(!FileManager.default.fileExists(atPath: target))
        }
        #expect(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("inside.txt").path))
    }

    @Test func cannotReadCanariesInHomeOrTheStateDirectory() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("read")
        let state = try SandboxSupport.temporaryDirectory("state")
        let homeCanary = FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".fixloop-canary-\(UUID().uuidString.prefix(8))")
        defer {
            try? FileManager.default.removeItem(at: workspace)
            try? FileManager.default.removeItem(at: state)
            try? FileManager.default.removeItem(at: homeCanary)
        }
        let secret = "CANARY-\(UUID().uuidString)"
        try secret.write(to: state.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try secret.write(to: homeCanary, atomically: true, encoding: .utf8)
        // World-readable, so only the mounts keep them out.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: state.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: state.appendingPathComponent("token").path)
        let script = "cat \(state.path)/token \(homeCanary.path) ~/.ssh/id_rsa /root/.bash_history 2>&1; ls -a ~ /root 2>&1"
        let result = try await SandboxSupport.shell(script, in: workspace)
        #expect(!result.standardOutput.text.contains(secret))
        #expect(result.standardOutput.text.contains("No such file"))

        let leak = try await UnisolatedSandbox(hostEnvironment: [:]).run(
            .shell("cat \(state.path)/token", workspace: workspace, policy: try SandboxSupport.testPolicy()))
        #expect(leak.standardOutput.text.contains(secret), "control: without the sandbox the canary is readable")
    }

    @Test func theParentsEnvironmentDoesNotLeak() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("env")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let secret = "CANARY-\(UUID().uuidString)"
        setenv("FIXLOOP_TEST_SECRET_TOKEN", secret, 1)
        defer { unsetenv("FIXLOOP_TEST_SECRET_TOKEN") }
        let host = ProcessInfo.processInfo.environment.merging(["TERM": "xterm-test"]) { $1 }
        let sandbox = try await BubblewrapSandbox.detect(configuration: .init(hostEnvironment: host))
        let script = "env; cat /proc/self/environ /proc/1/environ /proc/$PPID/environ 2>/dev/null | tr '\\0' '\\n'"
        let result = try await sandbox.run(.shell(script, workspace: workspace, policy: try SandboxSupport.testPolicy()))
        #expect(!result.standardOutput.text.contains(secret))
        #expect(result.standardOutput.text.contains("TERM=xterm-test"), "allow-listed names do pass")
        #expect(result.standardOutput.text.contains("HOME=/home/sandbox"))
    }

    @Test func cannotConnectToALoopbackServerOrAHostUnixSocket() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("net")
        let socketFolder = try SandboxSupport.temporaryDirectory("sock")
        defer {
            try? FileManager.default.removeItem(at: workspace)
            try? FileManager.default.removeItem(at: socketFolder)
        }
        let tcp = try HostListener.tcp()
        let unixPath = socketFolder.appendingPathComponent("s").path
        let unix = try HostListener.unix(path: unixPath)
        let abstract = try HostListener.unix(path: "\0fixloop-test-\(UUID().uuidString.prefix(8))")
        defer { tcp.close(); unix.close(); abstract.close() }
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: socketFolder.path)
        let script = """
            import socket
            def attempt(label, family, address):
                s = socket.socket(family, socket.SOCK_STREAM)
                s.settimeout(2)
                try:
                    s.connect(address)
                    print("CONNECTED", label)
                except OSError as error:
                    print("refused", label, error.errno)
            attempt("tcp", socket.AF_INET, ("127.0.0.1", \(tcp.port)))
            attempt("unix", socket.AF_UNIX, "\(unixPath)")
            attempt("abstract", socket.AF_UNIX, "\\0\(abstract.path.dropFirst())")
            """
        try script.write(to: workspace.appendingPathComponent("probe.py"), atomically: true, encoding: .utf8)
        let result = try await SandboxSupport.shell("python3 probe.py", in: workspace)
        #expect(result.standardOutput.text.components(separatedBy: "refused").count == 4, "\(result.standardOutput.text)")
        #expect(!result.standardOutput.text.contains("CONNECTED"))
        #expect(tcp.acceptedCount() == 0 && unix.acceptedCount() == 0 && abstract.acceptedCount() == 0)

        let leak = try await UnisolatedSandbox(hostEnvironment: [:]).run(
            .shell("/usr/bin/python3 probe.py", workspace: workspace, policy: try SandboxSupport.testPolicy()))
        #expect(leak.standardOutput.text.contains("CONNECTED tcp"), "control: without the sandbox it connects")
    }

    @Test func gitMetadataIsReadOnlySoNoHookOrFsmonitorCanBePlanted() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("git")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let hooks = workspace.appendingPathComponent(".git/hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        let config = workspace.appendingPathComponent(".git/config")
        try "[core]\n\tbare = false\n".write(to: config, atomically: true, encoding: .utf8)
        let script = """
            echo 'touch /tmp/pwned' > .git/hooks/pre-commit 2>/dev/null && echo PLANTED hook
            printf '[core]\\n\\tfsmonitor = touch /tmp/pwned\\n' >> .git/config 2>/dev/null && echo PLANTED config
            rm -rf .git 2>/dev/null; mv .git gone 2>/dev/null && echo MOVED
            true
            """
        let result = try await SandboxSupport.shell(script, in: workspace)
        #expect(!result.standardOutput.text.contains("PLANTED"))
        #expect(!result.standardOutput.text.contains("MOVED"))
        #expect(try String(contentsOf: config, encoding: .utf8) == "[core]\n\tbare = false\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: hooks.path).isEmpty)
    }
}
