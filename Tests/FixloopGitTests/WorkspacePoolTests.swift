import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

struct WorkspacePoolTests {
    @Test func checksOutTheDefaultBranchABranchATagAndACommit() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            try await GitCommandLine.run(["tag", "v1"], in: scene.source)
            try await GitCommandLine.run(["push", "-q", scene.remoteDirectory.path, "v1"], in: scene.source)
            let second = try await scene.pushNewCommit(["src/app.py": "def add(a, b):\n    return a + b\n"])
            for (revision, expected) in [(nil, second), ("main", second), ("v1", scene.firstCommit),
                                         (scene.firstCommit, scene.firstCommit), (String(second.prefix(10)), second)] {
                try await scene.pool.withWorkspace(remote: scene.remote, at: revision) { workspace in
                    let head = try await workspace.git.head()
                    let status = try await workspace.git.status()
                    #expect(workspace.baseCommit == expected)
                    #expect(head == expected)
                    #expect(status.isEmpty)
                }
            }
        }
    }

    @Test func anUnknownRevisionNamesItself() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            await #expect {
                try await scene.pool.withWorkspace(remote: scene.remote, at: "no-such-branch") { _ in }
            } throws: { error in
                (error as? GitError)?.kind == .revision && "\(error)".contains("no-such-branch")
            }
        }
    }

    @Test func removesTheWorkspaceWhenTheRunFails() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root, poolSize: 0)
            struct Boom: Error {}
            var seen: URL?
            await #expect(throws: Boom.self) {
                try await scene.pool.withWorkspace(remote: scene.remote) { workspace in
                    seen = workspace.directory
                    throw Boom()
                }
            }
            let directory = try #require(seen)
            #expect(!exists(directory))
            let active = scene.pool.root.appendingPathComponent("active")
            #expect(try FileManager.default.contentsOfDirectory(atPath: active.path).isEmpty)
        }
    }

    @Test func nothingFromAnEarlierRunSurvivesInAReusedCheckout() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root, poolSize: 1)
            let second = try await scene.pushNewCommit(["src/util.py": "X = 2\n"])
            var firstDirectory: URL?
            try await scene.pool.withWorkspace(remote: scene.remote, at: scene.firstCommit) { workspace in
                firstDirectory = workspace.directory
                let dir = workspace.directory
                try GitFixture.write([
                    "src/app.py": "tampered\n", "untracked.txt": "x", "deep/nested/file.txt": "y",
                    "build/artifact.o": "ignored", "cache.pyc": "ignored",
                ], in: dir)
                try FileManager.default.removeItem(at: dir.appendingPathComponent("README.md"))
                chmod(dir.appendingPathComponent("src/util.py").path, 0o755)
                // Same size, different content, old mtime: only a content or ctime check catches it.
                let util = dir.appendingPathComponent("src/util.py")
                let mtime = try FileManager.default.attributesOfItem(atPath: util.path)[.modificationDate] as! Date
                try Data("Y = 9\n".utf8).write(to: util)
                try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: util.path)
                try await workspace.git.createBranch("fixloop/1-leftover")
                try await workspace.git.commitAll(message: "leftover", author: GitSignature(name: "t", email: "t@e"))
                try GitFixture.write([".git/hooks/pre-commit": "#!/bin/sh\nexit 1\n"], in: dir)
                let config = dir.appendingPathComponent(".git/config")
                try (try read(config) + "[core]\n\tfsmonitor = /tmp/evil\n").write(to: config, atomically: true, encoding: .utf8)
                try FileManager.default.createDirectory(at: dir.appendingPathComponent("locked"), withIntermediateDirectories: true)
                try GitFixture.write(["locked/inner.txt": "z"], in: dir)
                chmod(dir.appendingPathComponent("locked").path, 0o000)
            }
            try await scene.pool.withWorkspace(remote: scene.remote, at: second) { workspace in
                #expect(workspace.reused)
                #expect(workspace.directory != firstDirectory)
                let fresh = root.appendingPathComponent("fresh")
                try await GitCommandLine.run(["clone", "-q", scene.remoteDirectory.path, fresh.path])
                try await GitCommandLine.run(["checkout", "-q", second], in: fresh)
                let check1 = try snapshot(workspace.directory) == snapshot(fresh)
                #expect(check1)
                let check2 = try await workspace.git.status(includeIgnored: true).isEmpty
                #expect(check2)
                let check3 = try await workspace.git.currentBranch() == nil
                #expect(check3)
                let branches = try await GitCommandLine.run(["branch", "--list"], in: workspace.directory).output
                #expect(branches.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("*"))
                #expect(!branches.contains("leftover"))
                let config = try read(workspace.directory.appendingPathComponent(".git/config"))
                #expect(!config.contains("fsmonitor"))
                let hooks = try FileManager.default.contentsOfDirectory(atPath: workspace.directory.appendingPathComponent(".git/hooks").path)
                #expect(hooks.isEmpty)
            }
        }
    }

    @Test func sweepsCheckoutsLeftByADeadProcess() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root, poolSize: 0)
            let active = scene.pool.root.appendingPathComponent("active")
            let orphan = active.appendingPathComponent("orphan")
            try GitFixture.write(["orphan/file.txt": "left behind"], in: active)
            try await scene.pool.withWorkspace(remote: scene.remote) { workspace in
                #expect(!exists(orphan))
                #expect(exists(workspace.directory))
            }
        }
    }
}

struct WorkspacePoolConcurrencyTests {
    @Test func concurrentRunsGetSeparateCheckoutsAndThePoolKeepsItsSize() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root, poolSize: 2)
            let directories = try await withThrowingTaskGroup(of: URL.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await scene.pool.withWorkspace(remote: scene.remote, refresh: .ifMissing) { workspace in
                            try GitFixture.write(["mine-\(index).txt": "\(index)"], in: workspace.directory)
                            try await Task.sleep(for: .milliseconds(50))
                            let untracked = try await workspace.git.status().filter { $0.change == .untracked }.map(\.path)
                            #expect(untracked == ["mine-\(index).txt"])
                            return workspace.directory
                        }
                    }
                }
                return try await group.reduce(into: [URL]()) { $0.append($1) }
            }
            #expect(Set(directories).count == 6)
            let idle = scene.pool.root.appendingPathComponent("idle").appendingPathComponent(scene.remote.cacheKey)
            #expect(try FileManager.default.contentsOfDirectory(atPath: idle.path).count <= 2)
            let active = try FileManager.default.contentsOfDirectory(atPath: scene.pool.root.appendingPathComponent("active").path)
            #expect(active.isEmpty)
        }
    }
}
