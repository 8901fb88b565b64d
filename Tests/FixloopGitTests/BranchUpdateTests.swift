import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

/// A base repository on a git smart-HTTP server, a checkout of a Fixloop branch with one Fixloop commit pushed.
private struct BranchScene {
    static let fixloop = GitSignature(name: "Fixloop", email: "fixloop@example.com")
    static let branch = "fixloop/7-fix-add"

    let root: URL
    let source: URL
    let remoteDirectory: URL
    let checkout: URL
    let branchCommit: String

    static func make(in root: URL) async throws -> BranchScene {
        let source = root.appendingPathComponent("source")
        try await GitFixture.makeRepository(at: source, files: [
            "src/app.py": "def add(a, b):\n    return a - b\n", "README.md": "hello\n",
        ])
        let remoteDirectory = try await GitFixture.makeBareRemote(from: source, at: root.appendingPathComponent("remote.git"))
        try await GitCommandLine.run(["config", "http.receivepack", "true"], in: remoteDirectory)
        let checkout = root.appendingPathComponent("checkout")
        try await GitCommandLine.run(["clone", "-q", remoteDirectory.path, checkout.path])
        let git = GitWorkingCopy(directory: checkout)
        try await git.createBranch(branch)
        try GitFixture.write(["src/app.py": "def add(a, b):\n    return a + b\n"], in: checkout)
        let commit = try await git.commitAll(message: "Fix add", author: fixloop)
        try await GitCommandLine.run(["push", "-q", "origin", branch], in: checkout)
        return BranchScene(root: root, source: source, remoteDirectory: remoteDirectory, checkout: checkout, branchCommit: commit)
    }

    /// Commits `files` on the base branch and pushes them to the remote. - Returns: the commit id.
    @discardableResult
    func moveBase(_ files: [String: String]) async throws -> String {
        try GitFixture.write(files, in: source)
        let id = try await GitFixture.commitAll(in: source, message: "base moves")
        try await GitCommandLine.run(["push", "-q", remoteDirectory.path, "main"], in: source)
        return id
    }

    /// Someone else's clone: commits `files` on the Fixloop branch and pushes. - Returns: the commit id.
    func humanPushesToBranch(_ files: [String: String]) async throws -> String {
        let clone = root.appendingPathComponent("human-\(UUID().uuidString.prefix(6))")
        try await GitCommandLine.run(["clone", "-q", "-b", Self.branch, remoteDirectory.path, clone.path])
        try GitFixture.write(files, in: clone)
        let id = try await GitFixture.commitAll(in: clone, message: "a reviewer's change")
        try await GitCommandLine.run(["push", "-q", "origin", Self.branch], in: clone)
        return id
    }

    func remoteHead(_ branch: String = BranchScene.branch) async throws -> String? {
        try await GitFixture.revParse("refs/heads/\(branch)", in: remoteDirectory)
    }

    func update(_ server: LoopbackServer) throws -> BranchUpdate {
        BranchUpdate(
            checkout: GitWorkingCopy(directory: checkout), branch: Self.branch, base: "main",
            remote: try RepositoryReference(parsing: "\(server.baseURL.absoluteString)/remote.git"), signature: Self.fixloop)
    }
}

struct BranchUpdateTests {
    @Test func aMovedBaseWithoutConflictIsRebasedAndPushedOnTopOfIt() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await BranchScene.make(in: root)
            let newBase = try await scene.moveBase(["README.md": "hello again\n"])
            try await GitHTTPServer(root: root, token: nil).run { server in
                let outcome = try await scene.update(server).run()
                guard case .updated(let head, let behind) = outcome else { Issue.record("got \(outcome)"); return }
                #expect(behind == 1)
                #expect(try await scene.remoteHead() == head)
                #expect(try await GitFixture.revParse("\(head)^", in: scene.remoteDirectory) == newBase)
                let file = try await GitCommandLine.run(["show", "\(head):src/app.py"], in: scene.remoteDirectory).output
                #expect(file.contains("a + b"))
                let author = try await GitCommandLine.run(["log", "-1", "--format=%an|%cn|%s", head], in: scene.remoteDirectory).output
                #expect(author.trimmingCharacters(in: .whitespacesAndNewlines) == "Fixloop|Fixloop|Fix add")
                #expect(try await GitWorkingCopy(directory: scene.checkout).head() == head)
                #expect(try String(contentsOf: scene.checkout.appendingPathComponent("README.md"), encoding: .utf8) == "hello again\n")
            }
        }
    }

    @Test func aConflictWithTheBaseIsReportedAndTouchesNothing() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await BranchScene.make(in: root)
            try await scene.moveBase(["src/app.py": "def add(a, b):\n    return b + a  # reviewed\n"])
            try await GitHTTPServer(root: root, token: nil).run { server in
                let outcome = try await scene.update(server).run()
                #expect(outcome == .conflict(paths: ["src/app.py"]))
            }
            #expect(try await scene.remoteHead() == scene.branchCommit)
            #expect(try await GitWorkingCopy(directory: scene.checkout).head() == scene.branchCommit)
            #expect(try await GitWorkingCopy(directory: scene.checkout).status().isEmpty)
        }
    }

    @Test func aPushToTheBranchAfterTheFetchLosesTheLeaseAndIsKept() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await BranchScene.make(in: root)
            try await scene.moveBase(["README.md": "hello again\n"])
            try await GitHTTPServer(root: root, token: nil).run { server in
                let update = try scene.update(server)
                let state = try await update.fetch()
                #expect(state.branchHead == scene.branchCommit && state.behind == 1 && state.ahead == 1)
                let theirs = try await scene.humanPushesToBranch(["NOTES.md": "from a reviewer\n"])
                guard case .rebased(let head, _) = try await update.rebase(state) else { Issue.record("not rebased"); return }
                let pushed = try await update.push(head, lease: state.branchHead)
                #expect(pushed == .leaseLost(expected: scene.branchCommit, found: theirs))
                #expect(try await scene.remoteHead() == theirs)
            }
        }
    }

    @Test func aCommitSomeoneElseWroteOnTheBranchRefusesTheRebase() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await BranchScene.make(in: root)
            let theirs = try await scene.humanPushesToBranch(["NOTES.md": "from a reviewer\n"])
            try await scene.moveBase(["README.md": "hello again\n"])
            try await GitHTTPServer(root: root, token: nil).run { server in
                let outcome = try await scene.update(server).run()
                #expect(outcome == .refused(commit: theirs, author: "Test <test@example.com>"))
            }
            #expect(try await scene.remoteHead() == theirs)
        }
    }

    @Test func aBranchThatHasTheBaseAlreadyIsLeftAlone() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await BranchScene.make(in: root)
            try await GitHTTPServer(root: root, token: nil).run { server in
                let outcome = try await scene.update(server).run()
                #expect(outcome == .current(head: scene.branchCommit))
            }
            #expect(try await scene.remoteHead() == scene.branchCommit)
        }
    }

    @Test func onlyFixloopBranchesAreTouched() async throws {
        try await withTemporaryDirectory { root in
            let scene = try await BranchScene.make(in: root)
            var update = BranchUpdate(
                checkout: GitWorkingCopy(directory: scene.checkout), branch: "main", base: "main",
                remote: try RepositoryReference(parsing: scene.remoteDirectory.path), signature: BranchScene.fixloop)
            update.branch = "feature/x"
            await #expect(throws: GitError.self) { try await update.fetch() }
        }
    }
}
