import FixloopCore
import FixloopSandbox
import Foundation
import Testing

@testable import FixloopVerify

/// Patches that fix nothing but try to look like they do, judged through the real sandbox with real pytest.
/// The spoofs live beside the fixture: `spoof-import.patch` (prints `PASSED` for every test past pytest's capture
/// when the package is imported, then `os._exit(0)`), `spoof-atexit.patch` (the same, exiting 0 at exit after
/// pytest ran), `spoof-conftest.patch` (a root `conftest.py` doing it before pytest's session starts).
@Suite struct VerdictSpoofingTests {
    static let fixture = PatchVerifierTests.fixture
    static let divide = ["tests/test_ops.py::test_divide[six by two]", "tests/test_ops.py::test_divide[one by four]"]

    func verify(patch: String, failToPass: [String] = [], passToPass: [String] = []) async throws -> VerificationReport {
        let bytes = [UInt8](try Data(contentsOf: Self.fixture.appendingPathComponent(patch)))
        return try await verify(bytes: bytes, failToPass: failToPass, passToPass: passToPass)
    }

    func verify(bytes: [UInt8], failToPass: [String] = [], passToPass: [String] = []) async throws -> VerificationReport {
        let scratch = try SandboxSupport.temporaryDirectory("spoof")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let workspace = scratch.appendingPathComponent("project")
        try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("project"), to: workspace)
        let catalog = SandboxPolicyCatalog(directories: [])
        let verifier = PatchVerifier(
            sandbox: try await SandboxSupport.sandbox(), testPolicy: try catalog.policy("test"),
            setupPolicy: try catalog.policy("setup"))
        let testPatch = [UInt8](try Data(contentsOf: Self.fixture.appendingPathComponent("test.patch")))
        return try await verifier.verify(VerificationRequest(
            workspace: workspace, testPatch: testPatch, testCommand: PatchVerifierTests.pytest,
            patch: bytes, failToPass: failToPass, passToPass: passToPass))
    }

    @Test func printedPassesOnImportAreEvidenceInconsistentWithDerivedLists() async throws {
        let report = try await verify(patch: "spoof-import.patch")
        #expect(report.status == "unresolved")
        #expect(!report.resolved)
        #expect(report.reason.hasPrefix("evidence inconsistent: after, run 1: "), "\(report.reason)")
        #expect(report.reason.contains("report (--junitxml) was not written"), "\(report.reason)")
        #expect(report.before.sources == ["pytest-junit"] && report.before.evidenceProblems.isEmpty)
    }

    @Test func printedPassesOnImportAreEvidenceInconsistentWithGivenLists() async throws {
        let report = try await verify(
            patch: "spoof-import.patch", failToPass: Self.divide,
            passToPass: ["tests/test_ops.py::test_add", "tests/test_ops.py::test_clamp"])
        #expect(report.status == "unresolved")
        #expect(report.reason.hasPrefix("evidence inconsistent: "), "\(report.reason)")
    }

    /// Its early lines reach the pipe before pytest's buffered header, so the first problem found is usually the
    /// order; `TestEvidenceTests.failuresWithExitStatusZeroAreInconsistent` checks the exit status on its own.
    @Test func exitingZeroAfterFailuresIsEvidenceInconsistent() async throws {
        let report = try await verify(patch: "spoof-atexit.patch", failToPass: Self.divide)
        #expect(report.status == "unresolved")
        #expect(report.reason.hasPrefix("evidence inconsistent: after, run 1: "), "\(report.reason)")
        #expect(report.after.outcomes[Self.divide[0]] == .failed, "the runner's report is the authority")
    }

    @Test func aConftestFromThePatchIsPutBackBeforeTheAfterRun() async throws {
        let report = try await verify(patch: "spoof-conftest.patch")
        #expect(report.patchApplied)
        #expect(report.restoredTestFiles == ["conftest.py"])
        #expect(report.status == "unresolved")
        #expect(report.after.outcomes[Self.divide[0]] == .failed)
        #expect(report.after.evidenceProblems.isEmpty, "the conftest never ran: \(report.after.evidenceProblems)")
    }

    @Test func aPatchThatRewritesTheTestsIsJudgedByTheOriginalTests() async throws {
        let weakened = """
            diff --git a/tests/test_ops.py b/tests/test_ops.py
            --- a/tests/test_ops.py
            +++ b/tests/test_ops.py
            @@ -17,2 +17,2 @@ import pytest
             def test_divide(a, b, expected):
            -    assert divide(a, b) == expected
            +    assert True

            """
        let report = try await verify(bytes: Array(weakened.utf8))
        #expect(report.patchApplied, "\(String(describing: report.patch.failure))")
        #expect(report.restoredTestFiles == ["tests/test_ops.py"])
        #expect(!report.resolved)
        #expect(report.after.outcomes[Self.divide[0]] == .failed)
    }
}
