@testable import FixloopCLI
import FixloopTesting
import Foundation
import Testing

/// `fixloop verify` on evidence that cannot be trusted: spoofed passes, a test command that never ran, patches
/// that are not UTF-8.
struct VerifyEvidenceCommandTests {
    static let fixture = VerifyCommandTests.fixture

    func verify(_ extra: [String], patch: String, test: String = VerifyCommandTests.pytest, state: URL) async -> (
        status: Int32, output: String
    ) {
        await runFixloop(["verify", "--state-dir", state.path] + extra + [
            "--workspace", Self.fixture.appendingPathComponent("project").path,
            "--test-patch", Self.fixture.appendingPathComponent("test.patch").path, "--patch", patch, "--test", test,
        ], environment: ["HOME": state.path])
    }

    @Test func aSpoofingPatchIsUnresolvedWithEvidenceInconsistent() async throws {
        try await withTemporaryDirectory { state in
            let spoof = Self.fixture.appendingPathComponent("spoof-import.patch").path
            let (status, output) = await verify([], patch: spoof, state: state)
            #expect(status == 1, "\(output)")
            #expect(output.contains("NOT RESOLVED: evidence inconsistent: after, run 1: "), "\(output)")
        }
    }

    @Test func aTestCommandThatNeverRunsIsAnError() async throws {
        try await withTemporaryDirectory { state in
            let gold = Self.fixture.appendingPathComponent("gold.patch").path
            let missing = await verify([], patch: gold, test: "no-such-test-runner --all", state: state)
            #expect(missing.status == 2, "\(missing.output)")
            #expect(missing.output.contains("the test command never ran (exit 127"), "\(missing.output)")
            #expect(missing.output.contains("no-such-test-runner: not found"), "\(missing.output)")
            let crash = "echo \"Error: EACCES: permission denied, scandir '/workspace/.git/hooks'\" >&2; exit 1"
            let crashed = await verify([], patch: gold, test: crash, state: state)
            #expect(crashed.status == 2, "\(crashed.output)")
            #expect(crashed.output.contains("EACCES: permission denied"), "\(crashed.output)")
        }
    }

    @Test func aCommandThatStopsStartingAfterThePatchIsUnresolved() async throws {
        try await withTemporaryDirectory { state in
            let breaks = state.appendingPathComponent("breaks.patch")
            try "--- /dev/null\n+++ b/broken\n@@ -0,0 +1 @@\n+yes\n".write(to: breaks, atomically: true, encoding: .utf8)
            let test = "if [ -f broken ]; then exit 127; fi; " + VerifyCommandTests.pytest
            let (status, output) = await verify([], patch: breaks.path, test: test, state: state)
            #expect(status == 1, "\(output)")
        }
    }

    @Test func aLatin1PatchReachesTheWorkspaceByteForByte() async throws {
        try await withTemporaryDirectory { state in
            let latin1 = { (text: String) in Data(text.unicodeScalars.map { UInt8($0.value) }) }
            let patch = state.appendingPathComponent("latin1.patch")
            try latin1("""
                --- /dev/null
                +++ b/calc/menu.py
                @@ -0,0 +1 @@
                +name = 'cr\u{e8}me br\u{fb}l\u{e9}e'

                """).write(to: patch)
            let check = #"python3 -c "import sys; sys.exit(0 if open('calc/menu.py','rb').read() == b\"name = 'cr\\xe8me br\\xfbl\\xe9e'\\n\" else 1)""#
            let test = "[ -f calc/menu.py ] && " + check
            let (status, output) = await verify([], patch: patch.path, test: test, state: state)
            #expect(status == 0, "\(output)")
        }
    }
}
