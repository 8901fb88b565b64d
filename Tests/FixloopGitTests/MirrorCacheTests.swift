import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

struct MirrorCacheTests {
    @Test func createsTheMirrorOnceThenFetchesNewCommits() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            let mirrors = scene.pool.mirrors
            let first = try await mirrors.update(scene.remote)
            #expect(first.created)
            #expect(first.defaultBranch == "main")
            let newCommit = try await scene.pushNewCommit(["NEW.md": "new\n"])
            let second = try await mirrors.update(scene.remote)
            #expect(!second.created)
            #expect(try await GitFixture.revParse("refs/heads/main", in: second.directory) == newCommit)
        }
    }

    @Test func reportsProgressWhileObjectsArrive() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            let seen = Counter()
            let fileRemote = try RepositoryReference(parsing: "file://" + scene.remoteDirectory.path)
            _ = try await scene.pool.mirrors.update(fileRemote, progress: { progress in
                if progress.totalObjects > 0 { seen.increment() }
            })
            #expect(seen.value > 0)
        }
    }

    @Test func aMissingRepositoryIsAClearError() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            let missing = try RepositoryReference(parsing: root.appendingPathComponent("nope.git").path)
            await #expect {
                _ = try await scene.pool.mirrors.update(missing)
            } throws: { error in
                guard let error = error as? GitError else { return false }
                return error.kind == .repositoryNotFound && error.message.contains("nope.git")
            }
            #expect(!exists(scene.pool.mirrors.directory(for: missing)))
        }
    }

    @Test(arguments: ["packs", "objects", "head"])
    func rebuildsADamagedMirror(damage: String) async throws {
        try await withTemporaryDirectory { root in
            let scene = try await GitScene.make(in: root)
            let mirror = try await scene.pool.mirrors.update(scene.remote).directory
            switch damage {
            case "packs":
                let objects = mirror.appendingPathComponent("objects")
                var damaged = 0
                for case let path as String in FileManager.default.enumerator(atPath: objects.path)!
                    where path.hasSuffix(".pack") || path.split(separator: "/").first?.count == 2 {
                    let url = objects.appendingPathComponent(path)
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                    try FileManager.default.removeItem(at: url)
                    try Data(repeating: 0x5a, count: 4096).write(to: url)
                    damaged += 1
                }
                #expect(damaged > 0)
            case "objects":
                try FileManager.default.removeItem(at: mirror.appendingPathComponent("objects"))
            default:
                try Data("garbage".utf8).write(to: mirror.appendingPathComponent("HEAD"))
            }
            let update = try await scene.pool.mirrors.update(scene.remote)
            #expect(update.rebuilt)
            #expect(try await GitFixture.revParse("refs/heads/main", in: mirror) == scene.firstCommit)
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
