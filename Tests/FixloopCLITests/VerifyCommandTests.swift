@testable import FixloopCLI
import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

/// `fixloop verify`, `fixloop sandbox run` and `fixloop bench sandbox` end to end: exit codes scripts rely on.
struct VerifyCommandTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/python-calc")
    static let pytest = "python3 -m pytest -rA -p no:cacheprovider tests"

    func verify(_ extra: [String], patch: String, state: URL) async -> Int32 {
        await Fixloop.run(arguments: ["verify", "--state-dir", state.path] + extra + [
            "--test-patch", Self.fixture.appendingPathComponent("test.patch").path,
            "--patch", Self.fixture.appendingPathComponent(patch).path, "--test", Self.pytest, "--json",
        ])
    }

    @Test func verifyExitsZeroForGoldAndOneForWrongOrEmptyPatches() async throws {
        try await withTemporaryDirectory { state in
            let workspace = ["--workspace", Self.fixture.appendingPathComponent("project").path]
            #expect(await verify(workspace, patch: "gold.patch", state: state) == 0)
            #expect(await verify(workspace, patch: "wrong.patch", state: state) == 1)
            #expect(await verify(workspace, patch: "empty.patch", state: state) == 1)
            #expect(await verify(workspace, patch: "test.patch", state: state) == 1, "the test patch applied twice")
            #expect(await verify(workspace + ["--setup", "exit 3"], patch: "gold.patch", state: state) == 2)
        }
        let untouched = try String(
            contentsOf: Self.fixture.appendingPathComponent("project/calc/ops.py"), encoding: .utf8)
        #expect(untouched.contains("return a * b"), "the given workspace is copied, not changed")
    }

    @Test func verifyChecksOutARepositoryThroughTheGitLayer() async throws {
        try await withTemporaryDirectory { root in
            let repository = root.appendingPathComponent("repo")
            try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("project"), to: repository)
            let copy = try await GitWorkingCopy.initialize(at: repository)
            _ = try await copy.commitAll(message: "base", author: GitSignature(name: "t", email: "t@example.com"))
            let state = root.appendingPathComponent("state")
            #expect(await verify(["--repo", repository.path], patch: "gold.patch", state: state) == 0)
            #expect(await verify(["--repo", repository.path, "--commit", "main"], patch: "wrong.patch", state: state) == 1)
        }
    }

    @Test func verifyRefusesBothOrNeitherWorkspaceSource() async {
        #expect(await Fixloop.run(arguments: ["verify", "--patch", "-", "--test", "true"]) != 0)
        #expect(await Fixloop.run(arguments: [
            "verify", "--repo", "/x", "--workspace", "/y", "--patch", "-", "--test", "true",
        ]) != 0)
    }

    @Test func sandboxRunExitCodes() async throws {
        let workspace = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-cli-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workspace) }
        let base = ["sandbox", "run", "--workspace", workspace.path]
        #expect(await Fixloop.run(arguments: base + ["--", "true"]) == 0)
        #expect(await Fixloop.run(arguments: base + ["--", "false"]) == 1)
        #expect(await Fixloop.run(arguments: base + ["--json", "--timeout", "0.5", "--", "sleep", "5"]) == 1)
        #expect(await Fixloop.run(arguments: base + ["--policy", "no-such-policy", "--", "true"]) == 2)
        #expect(await Fixloop.run(arguments: base) != 0, "a command is required")
        let state = workspace.appendingPathComponent("state")
        #expect(await Fixloop.run(arguments: [
            "sandbox", "run", "--state-dir", state.path, "--workspace", workspace.path, "--", "true",
        ]) == 2, "the workspace contains the state directory")
        #expect(await Fixloop.run(arguments: [
            "sandbox", "run", "--state-dir", state.path, "--workspace", workspace.path, "--ro", state.path, "--", "true",
        ]) == 2)
    }

    @Test func benchSandboxRuns() async {
        #expect(await Fixloop.run(arguments: ["bench", "sandbox", "--runs", "3", "--json"]) == 0)
    }
}
