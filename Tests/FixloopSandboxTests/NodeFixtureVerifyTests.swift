import FixloopCore
import FixloopSandbox
import Foundation
import Testing

@testable import FixloopVerify

/// `fixloop verify`'s path on a tiny node project (`node --test`, no package), through the real sandbox.
@Suite struct NodeFixtureVerifyTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/node-calc")

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/node"), "needs node at /usr/bin/node"))
    func theGoldPatchTurnsTheFailingNodeTestGreenWithStableIDs() async throws {
        let scratch = try SandboxSupport.temporaryDirectory("verify-node")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let workspace = scratch.appendingPathComponent("project")
        try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("project"), to: workspace)
        let catalog = SandboxPolicyCatalog(directories: [])
        let verifier = PatchVerifier(
            sandbox: try await SandboxSupport.sandbox(), testPolicy: try catalog.policy("test"),
            setupPolicy: try catalog.policy("setup"))
        let patch = try String(contentsOf: Self.fixture.appendingPathComponent("gold.patch"), encoding: .utf8)
        let report = try await verifier.verify(VerificationRequest(
            workspace: workspace, testCommand: "node --test", patch: patch, runs: 2))
        #expect(report.status == "resolved")
        #expect(report.failToPass == ["test/calc.test.js::divide > six by two": .passed])
        #expect(report.passToPass == [
            "test/calc.test.js::adds two numbers": .passed, "test/calc.test.js::divide > by one": .passed,
            "test/format.test.js::adds two numbers": .passed,
        ])
        #expect(report.before.sources == ["node-test-report"], "node's report through Fixloop's reporter")
        #expect(report.before.evidenceProblems.isEmpty && report.after.evidenceProblems.isEmpty)
        #expect(report.flakyTests.isEmpty)
    }
}
