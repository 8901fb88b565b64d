import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

struct CommitAndPushTests {
    let author = GitSignature(name: "Fixloop", email: "fixloop@example.com")

    @Test func commitsPushesAndFetchesTheBranchBack() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            var pushed = ""
            try await scene.pool.withWorkspace(remote: scene.remote) { workspace in
                try GitFixture.write(["src/app.py": "def add(a, b):\n    return a + b\n"], in: workspace.directory)
                try await workspace.git.createBranch("fixloop/7-fix-add")
                pushed = try await workspace.git.commitAll(message: "Fix add", author: author)
                let check1 = try await workspace.git.currentBranch() == "fixloop/7-fix-add"
                #expect(check1)
                try await workspace.git.push(branch: "fixloop/7-fix-add")
            }
            #expect(try await GitFixture.revParse("refs/heads/fixloop/7-fix-add", in: scene.remoteDirectory) == pushed)
            let log = try await GitCommandLine.run(["log", "-1", "--format=%an <%ae>|%s", pushed], in: scene.remoteDirectory).output
            #expect(log.trimmingCharacters(in: .whitespacesAndNewlines) == "Fixloop <fixloop@example.com>|Fix add")
            try await scene.pool.withWorkspace(remote: scene.remote, at: "fixloop/7-fix-add") { workspace in
                #expect(workspace.baseCommit == pushed)
                let check2 = try read(workspace.directory.appendingPathComponent("src/app.py")).contains("a + b")
                #expect(check2)
            }
        }
    }

    /// libgit2 pushes to local paths itself (no receive-pack, no hooks), so the server here is git over HTTP.
    @Test func aServerHookRejectionNamesTheRefAndTheReason() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            try await GitCommandLine.run(["config", "http.receivepack", "true"], in: scene.remoteDirectory)
            let hook = scene.remoteDirectory.appendingPathComponent("hooks/pre-receive")
            try "#!/bin/sh\necho 'protected by policy' >&2\nexit 1\n".write(to: hook, atomically: true, encoding: .utf8)
            chmod(hook.path, 0o755)
            try await GitHTTPServer(root: root, token: nil).run { server in
                let remote = try RepositoryReference(parsing: "\(server.baseURL.absoluteString)/remote.git")
                try await scene.pool.withWorkspace(remote: remote) { workspace in
                    try GitFixture.write(["NEW.md": "x\n"], in: workspace.directory)
                    try await workspace.git.createBranch("fixloop/8-x")
                    try await workspace.git.commitAll(message: "x", author: author)
                    await #expect {
                        try await workspace.git.push(branch: "fixloop/8-x")
                    } throws: { error in
                        guard let error = error as? GitError else { return false }
                        return error.kind == .pushRejected && error.message.contains("refs/heads/fixloop/8-x")
                    }
                }
            }
            #expect(try await GitFixture.revParse("refs/heads/fixloop/8-x", in: scene.remoteDirectory) == nil)
        }
    }

    @Test func aNonFastForwardPushIsRejectedUnlessForced() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            _ = try await scene.pushNewCommit(["moved.txt": "remote moved on\n"])
            try await scene.pool.withWorkspace(remote: scene.remote, at: scene.firstCommit) { workspace in
                try GitFixture.write(["mine.txt": "x\n"], in: workspace.directory)
                try await workspace.git.createBranch("main", checkout: true, force: true)
                let mine = try await workspace.git.commitAll(message: "mine", author: author)
                await #expect {
                    try await workspace.git.push(branch: "main")
                } throws: { error in
                    (error as? GitError)?.kind == .pushRejected && "\(error)".contains("main")
                }
                try await workspace.git.push(branch: "main", force: true)
                let check3 = try await GitFixture.revParse("refs/heads/main", in: scene.remoteDirectory) == mine
                #expect(check3)
            }
        }
    }

    @Test func refusesAnInvalidBranchName() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            try await scene.pool.withWorkspace(remote: scene.remote) { workspace in
                await #expect(throws: GitError.self) { try await workspace.git.createBranch("bad..name") }
            }
        }
    }
}
