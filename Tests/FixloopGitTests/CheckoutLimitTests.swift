import FixloopCore
@testable import FixloopGit
import FixloopTesting
import Foundation
import Testing

/// Checkouts on the host are bounded in entries and bytes, before and while writing (issue 14, item 11).
struct CheckoutLimitTests {
    @Test func aGitBombIsRefusedBeforeAnythingIsWritten() async throws {
        try await withTemporaryDirectory { root in
            let bomb = root.appendingPathComponent("bomb.git")
            let commit = try await GitBomb.make(at: bomb, fanOut: 10, depth: 6)  // 10^6 files from a few KB
            let pool = WorkspacePool(
                mirrors: MirrorCache(root: root.appendingPathComponent("mirrors")),
                root: root.appendingPathComponent("workspaces"), poolSize: 1)
            let memoryBefore = peakMemoryMB()
            let started = ContinuousClock.now
            await #expect {
                try await pool.withWorkspace(remote: try RepositoryReference(parsing: bomb.path)) { _ in }
            } throws: { error in
                guard let error = error as? GitError else { return false }
                return error.code == "git.checkout_too_large" && error.message.contains(bomb.path)
                    && error.message.contains(commit) && error.message.contains("more than 200000 files and folders")
                    && error.message.contains("before writing") && error.message.contains("[git] max_checkout_files")
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(peakMemoryMB() - memoryBefore < 200)
            let active = pool.root.appendingPathComponent("active")
            #expect(try FileManager.default.contentsOfDirectory(atPath: active.path).isEmpty)
        }
    }

    @Test(arguments: [(7, true), (6, false)])
    func aNormalRepositoryChecksOutWithinItsLimit(maxEntries: Int, fits: Bool) async throws {
        try await withTemporaryDirectory { root in
            // Five files in two folders: seven entries.
            let scene = try await GitScene.make(in: root)
            let pool = WorkspacePool(mirrors: scene.pool.mirrors, root: scene.pool.root, poolSize: 1,
                                     checkoutLimits: CheckoutLimits(maxEntries: maxEntries))
            if fits {
                try await pool.withWorkspace(remote: scene.remote) { workspace in
                    let files = try snapshot(workspace.directory)
                    #expect(files.count == 5)
                }
            } else {
                await #expect {
                    try await pool.withWorkspace(remote: scene.remote) { _ in }
                } throws: { error in
                    (error as? GitError)?.kind == .checkoutTooLarge && "\(error)".contains("more than 6 files and folders")
                }
            }
        }
    }

    @Test func theByteLimitNamesItsSetting() async throws {
        try await withTemporaryDirectory { root in
            let bomb = root.appendingPathComponent("bomb.git")
            try await GitBomb.make(at: bomb, fanOut: 4, depth: 2, fileBytes: 300 << 10)  // 16 files of 300 KB
            let pool = WorkspacePool(
                mirrors: MirrorCache(root: root.appendingPathComponent("mirrors")),
                root: root.appendingPathComponent("workspaces"), poolSize: 1,
                checkoutLimits: CheckoutLimits(maxBytes: 2 << 20))
            await #expect {
                try await pool.withWorkspace(remote: try RepositoryReference(parsing: bomb.path)) { _ in }
            } throws: { error in
                guard let error = error as? GitError else { return false }
                return error.kind == .checkoutTooLarge && error.message.contains("more than 2 MB of file content")
                    && error.message.contains("[git] max_checkout_mb")
            }
        }
    }

    /// The second bound alone: the walk is skipped, so only the count of files checkout writes can stop it.
    @Test func aCheckoutIsStoppedWhileWritingWhenItPassesTheLimit() async throws {
        try await withTemporaryDirectory { root in
            let bomb = root.appendingPathComponent("bomb.git")
            let commit = try await GitBomb.make(at: bomb, fanOut: 10, depth: 3)  // 1000 files
            let checkout = root.appendingPathComponent("checkout")
            try await GitCommandLine.run(["clone", "-q", "--no-checkout", bomb.path, checkout.path])
            let limits = CheckoutLimits(maxEntries: 100)
            let stopped = try await GitThread.run { _ in
                let repository = try GitRepository.open(checkout.path)
                do {
                    try repository.forceCheckoutDetached(try WorkspaceReset.oid(commit), limits: limits,
                                                         repositoryName: bomb.path, measureFirst: false)
                    return "not stopped"
                } catch let error as GitError {
                    return error.message
                }
            }
            #expect(stopped.contains("more than 100 files and folders (101 counted while writing)"))
            let written = try snapshot(checkout)
            #expect(written.count <= 101)
        }
    }
}

/// The process's peak resident memory so far, in MB.
private func peakMemoryMB() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss / 1024
}
