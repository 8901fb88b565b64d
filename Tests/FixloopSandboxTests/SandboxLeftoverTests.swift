import FixloopCore
import Foundation
import FixloopTesting
import Testing

@testable import FixloopSandbox

/// The `fixloop` binary is built by `swift build --build-tests`; these tests run it.
struct MissingBinary: Error, CustomStringConvertible {
    let path: String
    var description: String { "\(path) is not built; run `swift build --build-tests` first" }
}

/// `fixloop sandbox run` and `fixloop verify` killed with SIGKILL mid-run, and what the next run does about it;
/// the scratch copy `verify` works in, seen by another local user while it runs.
@Suite(.enabled(if: geteuid() == 0, "ownership and scratch copies are guarded for runs as root"))
struct SandboxLeftoverTests {
    /// The `fixloop` binary built beside the test bundle.
    static func fixloop() throws -> String {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let path = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("fixloop").path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw MissingBinary(path: path) }
        return path
    }

    /// Starts `fixloop ARGS` with a private state directory; the caller kills it.
    static func start(_ arguments: [String], home: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try fixloop())
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "FIXLOOP_HOME": home.path, "HOME": home.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Polls `found` every 100 ms for at most 90 s (a loaded machine is slow to start a sandbox).
    static func waitFor<T>(_ found: () -> T?) async throws -> T? {
        for _ in 0..<900 {
            if let value = found() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    static func owner(_ path: String) -> uid_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_uid : nil
    }

    /// Runs `command` as an unrelated unprivileged uid; returns its exit status and output.
    static func asStranger(_ command: [String]) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=1600123", "--regid=1600123", "--clear-groups"] + command
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = await pipe.fileHandleForReading.readAllOffThePool()
        return (await process.exitStatus(), String(decoding: data, as: UTF8.self))
    }

    @Test func aKilledSandboxRunIsHandedBackByTheNextRun() async throws {
        let home = try SandboxSupport.temporaryDirectory("killed-home")
        let workspace = try SandboxSupport.temporaryDirectory("killed-run")
        defer { [home, workspace].forEach { WorkspaceTree.remove($0.path) } }
        let runner = try Self.start(
            ["sandbox", "run", "--workspace", workspace.path, "--", "sh", "-c", "mkdir made; touch started; sleep 300"],
            home: home)
        defer { kill(runner.processIdentifier, SIGKILL) }
        let started = workspace.appendingPathComponent("started").path
        try #require(try await Self.waitFor { FileManager.default.fileExists(atPath: started) ? true : nil } == true)
        // Checked before the kill: a run of a parallel test may sweep as soon as the process is gone.
        #expect(Self.owner(workspace.path) != 0, "control: the running command's workspace is the sandbox uid's")
        kill(runner.processIdentifier, SIGKILL)
        runner.waitUntilExit()
        let next = try SandboxSupport.temporaryDirectory("next-run")
        defer { WorkspaceTree.remove(next.path) }
        _ = try await SandboxSupport.shell("true", in: next)
        #expect(Self.owner(workspace.path) == 0)
        #expect(Self.owner(started) == 0)
        #expect(Self.owner(workspace.appendingPathComponent("made").path) == 0)
    }

    /// The scratch folder of a running `fixloop verify` whose test command made `marker`.
    static func scratchFolder(holding marker: String) -> URL? {
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix("fixloop-verify-") {
            let folder = temporary.appendingPathComponent(name, isDirectory: true)
            for inner in [marker, "workspace/" + marker]
            where FileManager.default.fileExists(atPath: folder.appendingPathComponent(inner).path) {
                return folder
            }
        }
        return nil
    }

    @Test func aVerifyScratchCopyIsPrivateWhileItRunsAndSweptAfterAKill() async throws {
        let home = try SandboxSupport.temporaryDirectory("verify-home")
        let source = try SandboxSupport.temporaryDirectory("verify-source")
        defer { [home, source].forEach { WorkspaceTree.remove($0.path) } }
        let secret = "private-\(UUID().uuidString)"
        try secret.write(to: source.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        let patch = home.appendingPathComponent("fix.patch")
        try "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+new\n".write(to: patch, atomically: true, encoding: .utf8)
        let marker = "started-\(UUID().uuidString.prefix(8))"
        let runner = try Self.start(
            ["verify", "--workspace", source.path, "--patch", patch.path, "--test", "touch \(marker); sleep 300"],
            home: home)
        defer { kill(runner.processIdentifier, SIGKILL) }
        let scratch = try #require(try await Self.waitFor { Self.scratchFolder(holding: marker) })
        defer { WorkspaceTree.remove(scratch.path) }

        var info = stat()
        #expect(lstat(scratch.path, &info) == 0)
        #expect(info.st_mode & 0o077 == 0, "mode \(String(info.st_mode & 0o7777, radix: 8))")
        let listing = try await Self.asStranger(["/usr/bin/ls", scratch.path])
        #expect(listing.0 != 0, "another uid listed the scratch folder: \(listing.1)")
        for inner in ["secret.txt", "workspace/secret.txt"] {
            let read = try await Self.asStranger(["/usr/bin/cat", scratch.appendingPathComponent(inner).path])
            #expect(read.0 != 0 && !read.1.contains(secret), "another uid read \(inner)")
        }

        kill(runner.processIdentifier, SIGKILL)
        runner.waitUntilExit()
        let next = try SandboxSupport.temporaryDirectory("next-verify")
        defer { WorkspaceTree.remove(next.path) }
        _ = try await SandboxSupport.shell("true", in: next)
        #expect(!FileManager.default.fileExists(atPath: scratch.path))
    }
}
