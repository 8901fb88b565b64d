import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

struct DiffTests {
    @Test func aDiffWithEveryKindOfChangeRoundTripsThroughGitApply() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            try await scene.pool.withWorkspace(remote: scene.remote) { workspace in
                let dir = workspace.directory
                try GitFixture.write(["src/app.py": "def add(a, b):\n    return a + b\n", "docs/new.md": "# New\n"], in: dir)
                try FileManager.default.removeItem(at: dir.appendingPathComponent("README.md"))
                try FileManager.default.moveItem(at: dir.appendingPathComponent("src/util.py"), to: dir.appendingPathComponent("src/helpers.py"))
                try GitFixture.write(["tools/go.sh": "#!/bin/sh\necho go\n"], in: dir)
                chmod(dir.appendingPathComponent("tools/go.sh").path, 0o755)
                chmod(dir.appendingPathComponent("scripts/run.sh").path, 0o755)
                try Data([0, 1, 2, 255, 254, 0, 7, 8]).write(to: dir.appendingPathComponent("assets/logo.bin".createParent(in: dir)))

                let diff = try await workspace.diff()
                let byPath = Dictionary(uniqueKeysWithValues: diff.files.map { ($0.path, $0) })
                #expect(byPath["src/app.py"]?.change == .modified)
                #expect(byPath["src/app.py"]?.additions == 1 && byPath["src/app.py"]?.deletions == 1)
                #expect(byPath["README.md"]?.change == .deleted)
                #expect(byPath["src/helpers.py"]?.change == .renamed)
                #expect(byPath["src/helpers.py"]?.oldPath == "src/util.py")
                #expect(byPath["tools/go.sh"]?.newMode == "100755")
                #expect(byPath["scripts/run.sh"]?.oldMode == "100644" && byPath["scripts/run.sh"]?.newMode == "100755")
                #expect(byPath["assets/logo.bin"]?.isBinary == true)
                #expect(diff.patch.contains("diff --git a/src/app.py b/src/app.py"))
                #expect(diff.patch.contains("rename from src/util.py"))
                #expect(diff.patch.contains("GIT binary patch"))

                let other = root.appendingPathComponent("other")
                try await GitCommandLine.run(["clone", "-q", scene.remoteDirectory.path, other.path])
                let patchFile = root.appendingPathComponent("change.patch")
                try diff.patch.write(to: patchFile, atomically: true, encoding: .utf8)
                try await GitCommandLine.run(["apply", "--binary", patchFile.path], in: other)
                let check1 = try snapshot(other) == snapshot(dir)
                #expect(check1)
            }
        }
    }

    @Test func aCleanWorkspaceHasAnEmptyDiffAndCommittedChangesStayInIt() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            try await scene.pool.withWorkspace(remote: scene.remote) { workspace in
                let check2 = try await workspace.diff().isEmpty
                #expect(check2)
                try GitFixture.write(["src/app.py": "changed\n"], in: workspace.directory)
                try await workspace.git.commitAll(message: "c", author: GitSignature(name: "a", email: "a@b"))
                let diff = try await workspace.diff()
                #expect(diff.files.map(\.path) == ["src/app.py"])
                let check3 = try await workspace.git.status().isEmpty
                #expect(check3)
            }
        }
    }
}

extension String {
    /// Creates the parent folder of this relative path under `directory` and returns the path.
    func createParent(in directory: URL) throws -> String {
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent(self).deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}
