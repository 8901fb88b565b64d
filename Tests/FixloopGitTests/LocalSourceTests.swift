import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

/// Local repositories as sources: the causes people meet on their own clones, named as they are.
struct LocalSourceTests {
    @Test func aDanglingOriginHeadDoesNotStopTheWork() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            // What a default-branch rename upstream leaves in a clone: origin/HEAD names a branch that is gone.
            try await GitCommandLine.run(["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/master"], in: scene.source)
            let source = try RepositoryReference(parsing: scene.source.path)
            let update = try await scene.pool.mirrors.update(source)
            #expect(update.defaultBranch == "main")  // the source's own HEAD, never its origin/HEAD
            #expect(update.danglingReferences.map(\.description) == ["refs/remotes/origin/HEAD → refs/remotes/origin/master"])
            try await scene.pool.withWorkspace(remote: source) { workspace in
                #expect(workspace.baseCommit == scene.firstCommit)
                let readme = try read(workspace.directory.appendingPathComponent("README.md"))
                #expect(readme == "hello\n")
            }
        }
    }

    @Test func aDanglingHeadIsNamedWithItsTarget() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            try await GitCommandLine.run(["symbolic-ref", "HEAD", "refs/heads/trunk"], in: scene.remoteDirectory)
            await #expect {
                try await scene.pool.withWorkspace(remote: scene.remote) { _ in }
            } throws: { error in
                guard let error = error as? GitError else { return false }
                return error.code == "git.dangling_reference" && error.message.contains("HEAD")
                    && error.message.contains("refs/heads/trunk") && error.message.contains(scene.remoteDirectory.path)
            }
            // A revision that exists still works: nothing else was guessed or refused.
            try await scene.pool.withWorkspace(remote: scene.remote, at: "main") { workspace in
                #expect(workspace.baseCommit == scene.firstCommit)
            }
        }
    }

    @Test func aDanglingBranchAskedForIsNamedWithItsTarget() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            try await GitCommandLine.run(["symbolic-ref", "refs/heads/alias", "refs/heads/gone"], in: scene.remoteDirectory)
            await #expect {
                try await scene.pool.withWorkspace(remote: scene.remote, at: "alias") { _ in }
            } throws: { error in
                guard let error = error as? GitError else { return false }
                return error.code == "git.dangling_reference" && error.message.contains("refs/heads/alias")
                    && error.message.contains("refs/heads/gone")
            }
        }
    }

    @Test func aPartialCloneNamesTheMissingObjectAndWhy() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            try await GitCommandLine.run(["config", "uploadpack.allowFilter", "true"], in: scene.remoteDirectory)
            let partial = root.appendingPathComponent("partial")
            try await GitCommandLine.run(["clone", "-q", "--no-checkout", "--filter=blob:none",
                                          "file://" + scene.remoteDirectory.path, partial.path])
            let source = try RepositoryReference(parsing: partial.path)
            await #expect {
                try await scene.pool.withWorkspace(remote: source) { _ in }
            } throws: { error in
                guard let error = error as? GitError else { return false }
                return error.code == "git.partial_clone" && error.message.contains("partial clone")
                    && error.message.contains(partial.path) && error.message.contains(/object [0-9a-f]{40}/)
            }
        }
    }
}
