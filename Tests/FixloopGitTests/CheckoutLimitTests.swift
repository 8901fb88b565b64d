import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

struct CheckoutLimitTests {
    @Test func aGitBombIsRefusedBeforeAnythingIsWritten() async throws {
        try await withTemporaryDirectory { root in
            let bomb = root.appendingPathComponent("bomb.git")
            try await GitBomb.make(at: bomb, fanOut: 10, depth: 6)
            let pool = WorkspacePool(
                mirrors: MirrorCache(root: root.appendingPathComponent("mirrors")),
                root: root.appendingPathComponent("workspaces"), poolSize: 1)
            let started = ContinuousClock.now
            await #expect(throws: GitError.self) {
                try await pool.withWorkspace(remote: try RepositoryReference(parsing: bomb.path)) { _ in }
            }
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }
}
