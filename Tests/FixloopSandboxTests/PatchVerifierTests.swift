import FixloopCore
import FixloopSandbox
import Foundation
import Testing

@testable import FixloopVerify

/// `PatchVerifier` on the Python fixture project, through the real sandbox.
@Suite struct PatchVerifierTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/python-calc")
    static let pytest = "python3 -m pytest -rA -p no:cacheprovider tests"

    func text(_ name: String) throws -> String {
        try String(contentsOf: Self.fixture.appendingPathComponent(name), encoding: .utf8)
    }

    func verify(patch: String, failToPass: [String] = [], runs: Int = 1) async throws -> VerificationReport {
        let scratch = try SandboxSupport.temporaryDirectory("verify")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let workspace = scratch.appendingPathComponent("project")
        try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("project"), to: workspace)
        let catalog = SandboxPolicyCatalog(directories: [])
        let verifier = PatchVerifier(
            sandbox: try await SandboxSupport.sandbox(), testPolicy: try catalog.policy("test"),
            setupPolicy: try catalog.policy("setup"))
        return try await verifier.verify(VerificationRequest(
            workspace: workspace, setupCommand: "python3 -c 'import pytest'", testPatch: try text("test.patch"),
            testCommand: Self.pytest, patch: try text(patch), failToPass: failToPass, runs: runs))
    }

    @Test func theGoldPatchResolves() async throws {
        let report = try await verify(patch: "gold.patch", runs: 2)
        #expect(report.status == "resolved")
        #expect(report.resolved && report.patchApplied)
        #expect(report.failToPass == [
            "tests/test_ops.py::test_divide[six by two]": .passed, "tests/test_ops.py::test_divide[one by four]": .passed,
        ])
        #expect(report.passToPass == ["tests/test_ops.py::test_add": .passed, "tests/test_ops.py::test_clamp": .passed])
        #expect(report.before.summary == ["passed": 2, "failed": 2])
        #expect(report.before.sources == ["pytest-junit"], "pytest's own report, written outside the workspace")
        #expect(report.before.evidenceProblems.isEmpty && report.after.evidenceProblems.isEmpty)
        #expect(report.flakyTests.isEmpty)
        #expect(report.durations.beforeSeconds.count == 2 && report.durations.afterSeconds.count == 2)
        #expect(report.setup?.succeeded == true)
    }

    @Test func theEmptyPatchDoesNotResolve() async throws {
        let report = try await verify(patch: "empty.patch")
        #expect(report.status == "unresolved")
        #expect(!report.resolved && !report.patchApplied)
        #expect(report.patch.failure?.reason == "empty")
    }

    @Test func theWrongPatchDoesNotResolve() async throws {
        let report = try await verify(patch: "wrong.patch")
        #expect(report.status == "unresolved")
        #expect(report.patchApplied && !report.resolved)
        #expect(report.passToPass["tests/test_ops.py::test_clamp"] == .failed)
        #expect(report.failToPass["tests/test_ops.py::test_divide[one by four]"] == nil)
    }

    @Test func givenListsAreJudgedAsGiven() async throws {
        let report = try await verify(
            patch: "wrong.patch", failToPass: ["tests/test_ops.py::test_divide[one by four]"])
        #expect(!report.listsDerived)
        #expect(report.failToPass == ["tests/test_ops.py::test_divide[one by four]": .failed])
        #expect(!report.resolved)
    }

    @Test func aFlakyTestIsReported() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("flaky")
        defer { try? FileManager.default.removeItem(at: workspace) }
        // Like a real runner, it exits non-zero when a test failed (failures with exit 0 are inconsistent evidence).
        let flip = """
            status=0
            if [ -f .flip ]; then rm .flip; echo "PASSED t.py::test_flaky"; else touch .flip; echo "FAILED t.py::test_flaky"; status=1; fi
            echo "PASSED t.py::test_stable"
            if [ -f fixed ]; then echo "PASSED t.py::test_bug"; else echo "FAILED t.py::test_bug"; status=1; fi
            exit $status
            """
        let patch = "--- /dev/null\n+++ b/fixed\n@@ -0,0 +1 @@\n+yes\n"
        let catalog = SandboxPolicyCatalog(directories: [])
        let verifier = PatchVerifier(
            sandbox: try await SandboxSupport.sandbox(), testPolicy: try catalog.policy("test"),
            setupPolicy: try catalog.policy("setup"))
        let report = try await verifier.verify(VerificationRequest(
            workspace: workspace, testCommand: flip, patch: patch, runs: 2))
        #expect(report.flakyTests == ["t.py::test_flaky"])
        #expect(report.failToPass == ["t.py::test_bug": .passed])
        #expect(report.passToPass == ["t.py::test_stable": .passed])
        #expect(report.resolved)
    }

    @Test func aFailingSetupIsAnErrorReport() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("setup")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let catalog = SandboxPolicyCatalog(directories: [])
        let verifier = PatchVerifier(
            sandbox: try await SandboxSupport.sandbox(), testPolicy: try catalog.policy("test"),
            setupPolicy: try catalog.policy("setup"))
        let report = try await verifier.verify(VerificationRequest(
            workspace: workspace, setupCommand: "echo broken >&2; exit 3", testCommand: "true", patch: ""))
        #expect(report.status == "error")
        #expect(report.setup?.succeeded == false)
        #expect(report.setup?.outputTail.contains("broken") == true)
    }

    @Test func readsJUnitXMLButNeverThroughALink() async throws {
        let workspace = try SandboxSupport.temporaryDirectory("junit")
        let outside = try SandboxSupport.temporaryDirectory("junit-outside")
        defer {
            try? FileManager.default.removeItem(at: workspace)
            try? FileManager.default.removeItem(at: outside)
        }
        let secret = outside.appendingPathComponent("secret.xml")
        try #"<testsuite><testcase classname="LEAK" name="secret"/></testsuite>"#.write(to: secret, atomically: true, encoding: .utf8)
        let command = """
            if [ -f fixed ]; then
              echo '<testsuite><testcase classname="t" name="bug"/></testsuite>' > out/report.xml
            else
              mkdir -p out; echo '<testsuite><testcase classname="t" name="bug"><failure/></testcase></testsuite>' > out/report.xml
              ln -s \(secret.path) link.xml
              exit 1
            fi
            """
        let catalog = SandboxPolicyCatalog(directories: [])
        let verifier = PatchVerifier(
            sandbox: try await SandboxSupport.sandbox(), testPolicy: try catalog.policy("test"),
            setupPolicy: try catalog.policy("setup"))
        let report = try await verifier.verify(VerificationRequest(
            workspace: workspace, testCommand: command, patch: "--- /dev/null\n+++ b/fixed\n@@ -0,0 +1 @@\n+yes\n",
            junitXMLPaths: ["out/report.xml", "link.xml"]))
        #expect(report.before.sources == ["junit"])
        #expect(report.failToPass == ["t::bug": .passed])
        #expect(report.before.outcomes["LEAK::secret"] == nil && report.after.outcomes["LEAK::secret"] == nil)
        #expect(report.resolved)
    }
}
