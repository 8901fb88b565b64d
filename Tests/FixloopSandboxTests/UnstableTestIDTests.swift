import FixloopCore
import FixloopSandbox
import Foundation
import Testing

@testable import FixloopVerify

/// Parametrized test ids that change between runs (marshmallow's hold the current time).
@Suite struct UnstableTestIDTests {
    /// A test whose parameter id is the current time: `test_clamp_keeps_the_second[2026-12-04 15:47:06.123456]`.
    static let stampedTest = """
        import datetime

        import pytest

        from calc.ops import clamp


        @pytest.mark.parametrize("stamp", [datetime.datetime.now()], ids=str)
        def test_clamp_keeps_the_second(stamp):
            assert clamp(stamp.second, 0, 59) == stamp.second

        """

    func verify(passToPass: [String] = [], failToPass: [String] = [], runs: Int = 1) async throws -> VerificationReport {
        let scratch = try SandboxSupport.temporaryDirectory("stamped")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let workspace = scratch.appendingPathComponent("project")
        let fixture = PatchVerifierTests.fixture
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("project"), to: workspace)
        try Self.stampedTest.write(to: workspace.appendingPathComponent("tests/test_stamp.py"), atomically: true, encoding: .utf8)
        let catalog = SandboxPolicyCatalog(directories: [])
        let verifier = PatchVerifier(
            sandbox: try await SandboxSupport.sandbox(), testPolicy: try catalog.policy("test"),
            setupPolicy: try catalog.policy("setup"))
        return try await verifier.verify(VerificationRequest(
            workspace: workspace,
            testPatch: try String(contentsOf: fixture.appendingPathComponent("test.patch"), encoding: .utf8),
            testCommand: PatchVerifierTests.pytest,
            patch: try String(contentsOf: fixture.appendingPathComponent("gold.patch"), encoding: .utf8),
            failToPass: failToPass, passToPass: passToPass, runs: runs))
    }

    @Test func theGoldPatchResolvesWithTimeStampedIDsListedAsUnstable() async throws {
        let report = try await verify(runs: 2)
        #expect(report.status == "resolved", "\(report.reason)")
        let stamped = report.unstableTests.filter { $0.hasPrefix("tests/test_stamp.py::test_clamp_keeps_the_second[20") }
        #expect(stamped.count == 4, "two runs before and two after, each with its own time: \(report.unstableTests)")
        #expect(report.unstableTests.count == 4)
        #expect(report.passToPass.keys.contains { $0.hasPrefix("tests/test_stamp.py::test_clamp_keeps_the_second[") })
        #expect(report.flakyTests.isEmpty)
    }

    @Test func aGivenIDWithAnOldTimeStampMatchesTheNewOne() async throws {
        let old = "tests/test_stamp.py::test_clamp_keeps_the_second[2020-01-01 00:00:00.000001]"
        let report = try await verify(
            passToPass: [old, "tests/test_ops.py::test_add"],
            failToPass: ["tests/test_ops.py::test_divide[six by two]"])
        #expect(report.status == "resolved", "\(report.reason)")
        #expect(report.passToPass[old] == .passed)
        #expect(report.unstableTests.contains(old))
    }

    func combined(_ outcomes: [String: TestOutcome]) -> Verdict.Combined {
        Verdict.combine([TestResults(outcomes: outcomes, sources: ["pytest"])])
    }

    @Test func differentParametersPresentInBothRunsStayDifferentTests() {
        let before = combined(["t.py::test_x[a]": .passed, "t.py::test_x[b]": .passed, "t.py::test_bug": .failed])
        let after = combined(["t.py::test_x[a]": .passed, "t.py::test_x[b]": .failed, "t.py::test_bug": .passed])
        let judgement = Verdict.judge(before: before, after: after, failToPass: [], passToPass: [], patchApplied: true)
        #expect(!judgement.resolved)
        #expect(judgement.passToPass["t.py::test_x[b]"] == .failed)
        #expect(judgement.unstable.isEmpty)
    }

    @Test func absentIDsThatShareAStablePartAreNotMerged() {
        let before = combined([
            "t.py::test_t[10:00:01.1]": .passed, "t.py::test_t[10:00:01.2]": .passed, "t.py::test_bug": .failed,
        ])
        let after = combined([
            "t.py::test_t[10:00:05.3]": .passed, "t.py::test_t[10:00:05.4]": .passed, "t.py::test_bug": .passed,
        ])
        let judgement = Verdict.judge(before: before, after: after, failToPass: [], passToPass: [], patchApplied: true)
        #expect(!judgement.resolved, "two candidates each: no one-to-one match")
        #expect(judgement.unstable.isEmpty)
    }

    @Test func oneAbsentIDOnEachSideIsOneTest() {
        let before = combined(["t.py::test_t[10:00:01.1]": .passed, "t.py::test_bug": .failed])
        let after = combined(["t.py::test_t[10:00:05.3]": .passed, "t.py::test_bug": .passed])
        let judgement = Verdict.judge(before: before, after: after, failToPass: [], passToPass: [], patchApplied: true)
        #expect(judgement.resolved)
        #expect(judgement.passToPass == ["t.py::test_t[10:00:01.1]": .passed])
        #expect(judgement.unstable == ["t.py::test_t[10:00:01.1]", "t.py::test_t[10:00:05.3]"])
    }
}
