import FixloopCore
import FixloopSandbox
import Foundation

/// Verifies a patch the way the SWE-bench harness judges one: setup, test patch, tests before, patch, tests
/// after, verdict. Every command runs in the sandbox; the host only reads results.
public struct PatchVerifier: Sendable {
    private let sandbox: any Sandbox
    private let testPolicy: SandboxPolicy
    private let setupPolicy: SandboxPolicy
    private let progress: @Sendable (String) -> Void

    /// Creates a verifier.
    /// - Parameters:
    ///   - sandbox: where every command runs.
    ///   - testPolicy: the policy of the test runs and patch application (no network).
    ///   - setupPolicy: the policy of the setup command (network allowed).
    ///   - progress: told the phase as it starts (`setup`, `tests before 1/2`, …), for a progress line.
    public init(
        sandbox: any Sandbox, testPolicy: SandboxPolicy, setupPolicy: SandboxPolicy,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.sandbox = sandbox
        self.testPolicy = testPolicy
        self.setupPolicy = setupPolicy
        self.progress = progress
    }

    /// Runs the verification.
    /// - Returns: the report; a patch that does not apply or does not resolve is a report, not an error.
    /// - Throws: ``VerifyError`` for an invalid request, ``SandboxError`` when the sandbox cannot run.
    public func verify(_ request: VerificationRequest) async throws -> VerificationReport {
        guard request.runs >= 1 && request.runs <= 100 else {
            throw VerifyError.invalidRequest("--runs must be between 1 and 100, not \(request.runs)")
        }
        guard !request.testCommand.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw VerifyError.invalidRequest("the test command is empty")
        }
        let clock = ContinuousClock()
        let start = clock.now
        var durations = Durations()
        var report = VerificationReport(
            status: "error", resolved: false, patchApplied: false, failToPass: [:], passToPass: [:],
            listsDerived: request.failToPass.isEmpty && request.passToPass.isEmpty, reason: "",
            flakyTests: [], before: .empty, after: .empty,
            patch: PatchApplication(applied: false, files: [], method: nil, failure: nil), testPatch: nil,
            setup: nil, durations: durations, sandbox: sandbox.kind)
        let applier = PatchApplier(sandbox: sandbox, policy: testPolicy, extraReadOnlyPaths: request.extraReadOnlyPaths)

        if let setup = request.setupCommand {
            progress("setup")
            let result = try await run(setup, policy: setupPolicy, request: request)
            durations.setupSeconds = result.durationSeconds
            report.setup = StepRecord(succeeded: result.succeeded, ending: Self.ending(result), outputTail: Self.tail(result))
            if !result.succeeded {
                return finish(report, reason: "the setup command failed (\(Self.ending(result)))", durations, start)
            }
        }
        if let testPatch = request.testPatch {
            progress("applying the test patch")
            let applied = try await applier.apply(testPatch, to: request.workspace)
            report.testPatch = applied
            if !applied.applied {
                let why = applied.failure.map(String.init(describing:)) ?? "unknown"
                return finish(report, reason: "the test patch did not apply (\(why))", durations, start)
            }
        }
        var testFiles: TestFileGuard?
        if request.restoresTestFiles {
            testFiles = try await BlockingWork.run { TestFileGuard(patch: request.patch, workspace: request.workspace) }
        }
        let (beforeRuns, beforeTimes, beforePicture) = try await testRuns(request, phase: "before")
        durations.beforeSeconds = beforeTimes
        report.before = beforePicture

        let patchStart = clock.now
        progress("applying the patch")
        report.patch = try await applier.apply(request.patch, to: request.workspace)
        report.patchApplied = report.patch.applied
        if report.patchApplied, let testFiles {
            report.restoredTestFiles = try await BlockingWork.run { testFiles.restore(in: request.workspace) }
        }
        durations.patchSeconds = Self.seconds(patchStart.duration(to: clock.now))

        var afterRuns: [TestEvidenceRunner.Run] = []
        if report.patchApplied {
            let (runs, times, picture) = try await testRuns(request, phase: "after")
            afterRuns = runs
            durations.afterSeconds = times
            report.after = picture
        }
        if let never = Self.neverRan(before: beforeRuns, after: afterRuns) {
            return finish(report, reason: never, durations, start)
        }
        let before = Verdict.combine(beforeRuns.map(\.evidence.results))
        let after = Verdict.combine(afterRuns.map(\.evidence.results))
        let judgement = Verdict.judge(
            before: before, after: after, failToPass: request.failToPass, passToPass: request.passToPass,
            patchApplied: report.patchApplied)
        report.failToPass = judgement.failToPass
        report.passToPass = judgement.passToPass
        report.flakyTests = before.flaky.union(after.flaky).sorted()
        report.unstableTests = judgement.unstable.sorted()
        let problems = report.before.evidenceProblems.map { "before, \($0)" }
            + report.after.evidenceProblems.map { "after, \($0)" }
        report.resolved = judgement.resolved && problems.isEmpty
        report.status = report.resolved ? "resolved" : "unresolved"
        let reason = problems.first.map { "evidence inconsistent: \($0)" } ?? judgement.reason
        return finish(report, reason: reason, durations, start, keepStatus: true)
    }

    private func finish(
        _ report: VerificationReport, reason: String, _ durations: Durations, _ start: ContinuousClock.Instant,
        keepStatus: Bool = false
    ) -> VerificationReport {
        var report = report
        var durations = durations
        durations.totalSeconds = Self.seconds(start.duration(to: ContinuousClock.now))
        report.durations = durations
        report.reason = reason
        if !keepStatus { report.status = "error" }
        return report
    }

    /// Runs the tests `request.runs` times and reads each run's evidence.
    private func testRuns(
        _ request: VerificationRequest, phase: String
    ) async throws -> ([TestEvidenceRunner.Run], [Double], TestPicture) {
        let runner = TestEvidenceRunner(sandbox: sandbox)
        var runs: [TestEvidenceRunner.Run] = []
        for index in 0..<request.runs {
            try Task.checkCancellation()
            progress("tests \(phase) \(index + 1)/\(request.runs)")
            runs.append(try await runner.run(
                request.testCommand, workspace: request.workspace, policy: testPolicy,
                extraReadOnlyPaths: request.extraReadOnlyPaths, junitXMLPaths: request.junitXMLPaths))
        }
        let combined = Verdict.combine(runs.map(\.evidence.results))
        let summary = combined.outcomes.values.reduce(into: [String: Int]()) { $0[$1.rawValue, default: 0] += 1 }
        var picture = TestPicture(
            outcomes: combined.outcomes, summary: summary, sources: combined.sources,
            runs: runs.map { Self.ending($0.sandbox) }, outputTail: runs.last.map { Self.tail($0.sandbox) } ?? "")
        picture.evidenceProblems = runs.enumerated().compactMap { index, run in
            run.evidence.inconsistency.map { "run \(index + 1): \($0)" }
        }
        return (runs, runs.map(\.sandbox.durationSeconds), picture)
    }

    private func run(_ command: String, policy: SandboxPolicy, request: VerificationRequest) async throws -> SandboxResult {
        try await sandbox.run(.shell(
            command, workspace: request.workspace, policy: policy, extraReadOnlyPaths: request.extraReadOnlyPaths))
    }

    static func ending(_ result: SandboxResult) -> String {
        result.termination.description + (result.limit.map { ", limit \($0.rawValue)" } ?? "")
    }

    static func tail(_ result: SandboxResult, characters: Int = 2000) -> String {
        let text = result.standardOutput.text + (result.standardError.totalBytes > 0 ? "\n" + result.standardError.text : "")
        return String(text.suffix(characters))
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }
}
