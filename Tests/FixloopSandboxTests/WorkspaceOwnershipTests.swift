import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

/// The hand-back of the workspace after a run (root only: otherwise nothing is handed over).
@Suite(.enabled(if: geteuid() == 0, "ownership is handed over only when Fixloop runs as root"))
struct WorkspaceOwnershipTests {
    /// `lstat` of a path given as raw bytes below `base`.
    func rawStat(_ base: URL, _ tail: [UInt8]) -> stat? {
        let path = Array(base.path.utf8) + tail
        var info = stat()
        let status = path.map { CChar(bitPattern: $0) }.withUnsafeBufferPointer { buffer -> Int32 in
            let terminated = Array(buffer) + [0]
            return lstat(terminated, &info)
        }
        return status == 0 ? info : nil
    }

    @Test func aSetuidFileInAFolderWithANonUTF8NameIsHandedBackWithoutItsSetuidBit() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("suid")
        defer { WorkspaceTree.remove(workspace.path) }
        let owner = try #require(rawStat(workspace, []))
        let script = """
            d="$(printf 'x\\377y')"
            mkdir "$d" && cp /usr/bin/true "$d/suid" && chmod 4755 "$d/suid" && chmod 2755 "$d" && ls -ln "$d"
            """
        let result = try await SandboxSupport.shell(script, in: workspace)
        #expect(result.standardOutput.text.contains("rwsr-xr-x"), "control: the run made a setuid file")
        let folder = try #require(rawStat(workspace, Array("/x".utf8) + [0xFF] + Array("y".utf8)))
        let file = try #require(rawStat(workspace, Array("/x".utf8) + [0xFF] + Array("y/suid".utf8)))
        #expect(folder.st_uid == owner.st_uid)
        #expect(file.st_uid == owner.st_uid)
        #expect(file.st_gid == owner.st_gid)
        #expect(file.st_mode & (S_ISUID | S_ISGID) == 0, "mode \(String(file.st_mode, radix: 8))")
    }

    @Test func aTreeDeeperThanPathMaxIsHandedBackWhole() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("deep")
        defer { WorkspaceTree.remove(workspace.path) }
        let owner = try #require(rawStat(workspace, []))
        // 2200 levels: deeper than a walk by path names reaches (PATH_MAX is 4096 bytes).
        let script = "import os\nfor _ in range(2200):\n    os.mkdir('d'); os.chdir('d')\nopen('leaf', 'w').close()\nprint('deep')\n"
        try script.write(to: workspace.appendingPathComponent("deep.py"), atomically: true, encoding: .utf8)
        let result = try await SandboxSupport.shell(
            "python3 deep.py", in: workspace, policy: try SandboxSupport.testPolicy(wallClock: 120))
        #expect(result.standardOutput.text.contains("deep"))
        var strays = 0
        let root = open(workspace.path, O_RDONLY | O_DIRECTORY)
        defer { close(root) }
        let complete = WorkspaceTree.walk(root, skippingGit: false) { _, _, info in
            if info.st_uid != owner.st_uid { strays += 1 }
            return .next
        }
        #expect(complete)
        #expect(strays == 0)
    }

    /// Run from `/tmp` (the workspace defaulting to the current folder), a run once gave all of `/tmp` to the
    /// sandbox user and back to whoever owned `/tmp` by then.
    @Test(arguments: [0o1777, 0o777] as [mode_t])
    func aSharedFolderIsRefusedAndNothingInItChangesHands(mode: mode_t) async throws {
        let shared = try SandboxSupport.temporaryDirectory("shared")
        defer { WorkspaceTree.remove(shared.path) }
        let other = shared.appendingPathComponent("someone-elses")
        try Data("x".utf8).write(to: other)
        #expect(chown(other.path, 4242, 4242) == 0)
        #expect(chmod(shared.path, mode) == 0)
        await #expect(throws: SandboxError.self) { _ = try await SandboxSupport.shell("true", in: shared) }
        let after = try #require(rawStat(other, []))
        #expect(after.st_uid == 4242, "a file in the shared folder changed owner")
    }

    @Test func aFolderOfAnotherUserIsRefused() async throws {
        let foreign = try SandboxSupport.temporaryDirectory("foreign")
        defer { WorkspaceTree.remove(foreign.path) }
        #expect(chown(foreign.path, 4242, 4242) == 0)
        let error = await #expect(throws: SandboxError.self) { _ = try await SandboxSupport.shell("true", in: foreign) }
        #expect("\(error.map { $0 } as Any)".contains("belongs to uid 4242"))
        #expect(try #require(rawStat(foreign, [])).st_uid == 4242)
    }
}
