import FixloopGit
import FixloopTesting
import Foundation
import Testing

/// The merge of a fix branch into a local remote's default branch, read with libgit2 and made with the git tool.
struct GitMergeCheckTests {
    /// A repository on `main` with a fix branch one commit ahead.
    static func repository(_ root: URL) async throws -> URL {
        let work = root.appendingPathComponent("work")
        try await GitFixture.makeRepository(at: work, files: ["shop/checkout.py": "total = 1\n"])
        try await GitCommandLine.run(["checkout", "-q", "-b", "fixloop/local-1-charge"], in: work)
        try GitFixture.write(["shop/checkout.py": "total = 2\n"], in: work)
        try await GitFixture.commitAll(in: work, message: "fix the charge")
        try await GitCommandLine.run(["checkout", "-q", "main"], in: work)
        try GitFixture.write(["README": "shop\n"], in: work)
        try await GitFixture.commitAll(in: work, message: "unrelated work on main")
        return work
    }

    @Test func anUnmergedBranchIsNotMerged() async throws {
        try await withTemporaryDirectory { root in
            let work = try await Self.repository(root)
            #expect(try await GitMergeCheck.merge(of: "fixloop/local-1-charge", in: work.path) == nil)
            #expect(try await GitMergeCheck.merge(of: "fixloop/no-such-branch", in: work.path) == nil)
            try await GitCommandLine.run(["checkout", "-q", "fixloop/local-1-charge"], in: work)
            #expect(try await GitMergeCheck.merge(of: "fixloop/local-1-charge", in: work.path) == nil, "a branch is not merged into itself")
        }
    }

    @Test func aMergeCommitOnTheDefaultBranchIsTheMergeAndItsTime() async throws {
        try await withTemporaryDirectory { root in
            let work = try await Self.repository(root)
            try await GitCommandLine.run(["merge", "-q", "--no-ff", "-m", "Merge the fix", "fixloop/local-1-charge"], in: work)
            let mergeCommit = try #require(try await GitFixture.revParse("HEAD", in: work))
            try GitFixture.write(["later.txt": "more\n"], in: work)
            try await GitFixture.commitAll(in: work, message: "later work")
            let remote = try await GitFixture.makeBareRemote(from: work, at: root.appendingPathComponent("remote.git"))
            let merge = try #require(try await GitMergeCheck.merge(of: "fixloop/local-1-charge", in: remote.path))
            #expect(merge.commit == mergeCommit)
            let time = try await GitCommandLine.run(["show", "-s", "--format=%ct", mergeCommit], in: work).output
            #expect(merge.mergedAt == Date(timeIntervalSince1970: TimeInterval(Int(time.trimmingCharacters(in: .whitespacesAndNewlines))!)))
        }
    }

    @Test func aFastForwardIsMergedAtTheFixCommit() async throws {
        try await withTemporaryDirectory { root in
            let work = root.appendingPathComponent("work")
            try await GitFixture.makeRepository(at: work, files: ["a": "1\n"])
            try await GitCommandLine.run(["checkout", "-q", "-b", "fix"], in: work)
            try GitFixture.write(["a": "2\n"], in: work)
            let fix = try await GitFixture.commitAll(in: work, message: "fix")
            try await GitCommandLine.run(["checkout", "-q", "main"], in: work)
            try await GitCommandLine.run(["merge", "-q", "--ff-only", "fix"], in: work)
            #expect(try await GitMergeCheck.merge(of: "fix", in: work.path)?.commit == fix)
        }
    }
}
