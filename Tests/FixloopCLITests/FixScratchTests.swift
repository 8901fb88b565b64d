import FixloopTesting
import Foundation
import Testing

/// The copies `fixloop fix` works in: private while it runs, and removed by the next sandboxed run when the
/// process was killed with SIGKILL.
@Suite(.serialized, .enabled(if: geteuid() == 0, "the copies are guarded for runs as root"))
struct FixScratchTests {
    let e2e = FixEndToEndTests()

    static func runFolders(in temporary: String) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []
        return Set(names.filter { $0.hasPrefix("fixloop-run-") }.map { "\(temporary)/\($0)" })
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    /// Runs `command` as an unrelated unprivileged uid; returns its exit status.
    static func asStranger(_ command: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=1600123", "--regid=1600123", "--clear-groups"] + command
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return await process.exitStatus()
    }

    @Test func aKilledFixKeptItsCopiesPrivateAndTheNextSandboxedRunRemovesThem() async throws {
        let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("fixloop")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-fix-kill") { root in
            let scene = try await e2e.makeScene(root)
            // Its own temporary folder: parallel tests' runs make scratch folders in the shared one.
            let temporary = root.appendingPathComponent("tmp").path
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
            chmod(root.path, 0o755)
            chmod(temporary, 0o755)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(FixEndToEndTests.triageBug, .hang(.seconds(120)))
                let process = Process()
                process.executableURL = binary
                process.arguments = e2e.fixArguments(scene, ["--no-pr"])
                process.environment = [
                    "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key",
                    "FIXLOOP_HOME": scene.state.path, "HOME": root.path, "TMPDIR": temporary,
                    "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                ]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
                var editing = false
                for _ in 0..<900 where !editing {
                    try await Task.sleep(for: .milliseconds(100))
                    editing = await model.received().count >= 2
                }
                try #require(editing, "the run reached the edit loop")
                let scratch = try #require(Self.runFolders(in: temporary).first, "the run made its scratch folder")

                // While it runs: the folder can be passed through, the copies in it are the runner's alone.
                #expect(Self.mode(scratch) == 0o711)
                #expect(Self.mode("\(scratch)/base") == 0o700)
                #expect(Self.mode("\(scratch)/candidate-1") == 0o700)
                #expect(try await Self.asStranger(["cat", "\(scratch)/base/shop/cart.py"]) != 0, "another user read the checkout")
                #expect(try await Self.asStranger(["ls", "\(scratch)/candidate-1"]) != 0, "another user listed a copy")

                kill(process.processIdentifier, SIGKILL)
                _ = await process.exitStatus()
                // The next sandboxed run of any Fixloop process removes them (a parallel test's run may already
                // have: so nothing is checked between the kill and this run).
                let workspace = root.appendingPathComponent("next")
                try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: false)
                let (status, output) = await runFixloop(
                    ["sandbox", "run", "--workspace", workspace.path, "--", "true"],
                    environment: ["FIXLOOP_HOME": scene.state.path, "HOME": root.path, "PATH": "/usr/bin:/bin"])
                #expect(status == 0, "\(output)")
                #expect(!FileManager.default.fileExists(atPath: scratch), "the killed run's copies are still there")
            }
        }
    }
}
