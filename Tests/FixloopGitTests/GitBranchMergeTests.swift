import FixloopGit
import FixloopTesting
import Foundation
import Testing

/// Merging a fix branch into a bare local remote's default branch with libgit2, as the demo does after its fix.
struct GitBranchMergeTests {
    @Test func theMergeIsACommitWithBothTipsOnTheDefaultBranchAndTheMergeCheckFindsIt() async throws {
        try await withTemporaryDirectory { root in
            let work = try await GitMergeCheckTests.repository(root)
            let remote = try await GitFixture.makeBareRemote(from: work, at: root.appendingPathComponent("remote.git"))
            let before = try #require(try await GitFixture.revParse("main", in: remote))
            let fix = try #require(try await GitFixture.revParse("fixloop/local-1-charge", in: remote))
            let commit = try await GitBranchMerge.merge("fixloop/local-1-charge", in: remote.path, author: GitSignature(name: "Acme", email: "dev@acme.example"))
            #expect(try await GitFixture.revParse("main", in: remote) == commit)
            let parents = try await GitCommandLine.run(["show", "-s", "--format=%P", commit], in: remote).output
            #expect(parents.trimmingCharacters(in: .whitespacesAndNewlines) == "\(before) \(fix)")
            // Both sides' changes are in the merged tree.
            #expect(try await GitCommandLine.run(["show", "main:shop/checkout.py"], in: remote).output == "total = 2\n")
            #expect(try await GitCommandLine.run(["show", "main:README"], in: remote).output == "shop\n")
            #expect(try await GitMergeCheck.merge(of: "fixloop/local-1-charge", in: remote.path)?.commit == commit)
        }
    }

    @Test func aMergedBranchOrAConflictMovesNothing() async throws {
        try await withTemporaryDirectory { root in
            let work = try await GitMergeCheckTests.repository(root)
            try GitFixture.write(["shop/checkout.py": "total = 3\n"], in: work)
            try await GitFixture.commitAll(in: work, message: "a conflicting change on main")
            let remote = try await GitFixture.makeBareRemote(from: work, at: root.appendingPathComponent("remote.git"))
            let tip = try await GitFixture.revParse("main", in: remote)
            let author = GitSignature(name: "Acme", email: "dev@acme.example")
            await #expect(throws: GitError.self) { try await GitBranchMerge.merge("fixloop/local-1-charge", in: remote.path, author: author) }
            await #expect(throws: GitError.self) { try await GitBranchMerge.merge("fixloop/no-such-branch", in: remote.path, author: author) }
            #expect(try await GitFixture.revParse("main", in: remote) == tip)
            #expect(try await GitMergeCheck.merge(of: "fixloop/local-1-charge", in: remote.path) == nil)
        }
    }
}
