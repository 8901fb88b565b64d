import FixloopCore
import FixloopVerify
import Foundation

/// One run of the repository's tests in the sandbox (test policy: no network), read into per-test outcomes.
public struct TestRun: Sendable, Equatable {
    public var results: TestResults
    public var sandbox: SandboxResult
    /// Failures first: the output as the model should see it.
    public var output: String

    public var failing: [String] { results.outcomes.filter { $0.value == .failed || $0.value == .error }.map(\.key).sorted() }
    public var passing: Set<String> { Set(results.outcomes.filter { $0.value == .passed }.map(\.key)) }

    /// `12 passed, 1 failed` and, when a limit fired, which.
    public var summary: String {
        let counts = results.summary
        var parts = [TestOutcome.passed, .failed, .error, .skipped].compactMap { outcome -> String? in
            guard let count = counts[outcome], count > 0 else { return nil }
            return "\(count) \(outcome.rawValue)"
        }
        if parts.isEmpty { parts = ["no tests found"] }
        if let limit = sandbox.limit { parts.append("stopped by the \(limit) limit") }
        return parts.joined(separator: ", ")
    }
}

/// Runs the test command and the model's commands in the sandbox.
public struct SandboxedTests: Sendable {
    public let sandbox: any Sandbox
    public let testPolicy: SandboxPolicy
    public let setupPolicy: SandboxPolicy
    public let testCommand: String
    public let readOnlyPaths: [String]
    /// When set, every run waits for one of these slots (parallel candidates share them: `--jobs`).
    public var slots: TestSlots?

    public init(
        sandbox: any Sandbox, testPolicy: SandboxPolicy, setupPolicy: SandboxPolicy, testCommand: String, readOnlyPaths: [String],
        slots: TestSlots? = nil
    ) {
        self.sandbox = sandbox
        self.testPolicy = testPolicy
        self.setupPolicy = setupPolicy
        self.testCommand = testCommand
        self.readOnlyPaths = readOnlyPaths
        self.slots = slots
    }

    /// Runs the tests with the same evidence as `fixloop verify` (``TestEvidenceRunner``); evidence that does not
    /// hold together is one more test in error, ``evidenceTestID``, and a line at the top of the output.
    public func runTests(in workspace: URL) async throws -> TestRun {
        let run = try await inSlot {
            try await TestEvidenceRunner(sandbox: sandbox).run(
                testCommand, workspace: workspace, policy: testPolicy, extraReadOnlyPaths: readOnlyPaths)
        }
        let result = run.sandbox
        var text = result.standardOutput.text + "\n" + result.standardError.text
        var results = run.evidence.results
        if let problem = run.evidence.inconsistency {
            results.record(Self.evidenceTestID, .error)
            text = "Fixloop: the test evidence is inconsistent: \(problem)\n" + text
        }
        return TestRun(results: results, sandbox: result, output: Self.trim(text))
    }

    /// The pseudo-test that fails when a run's evidence does not hold together.
    public static let evidenceTestID = "(test evidence)"

    /// Runs `command` with the test policy (or the setup policy, which has the network).
    public func run(_ command: String, in workspace: URL, setup: Bool = false) async throws -> SandboxResult {
        try await inSlot {
            try await sandbox.run(.shell(command, workspace: workspace, policy: setup ? setupPolicy : testPolicy, extraReadOnlyPaths: readOnlyPaths))
        }
    }

    private func inSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard let slots else { return try await body() }
        return try await slots.withSlot(body)
    }

    /// Lines that mention failures or errors first, then the tail; at most `limit` characters.
    static func trim(_ text: String, limit: Int = 6_000) -> String {
        guard text.count > limit else { return text }
        let lines = text.components(separatedBy: "\n")
        let important = lines.filter { line in
            ["FAIL", "Error", "error:", "assert", "Traceback", "Expected", "panic", "✘", "✖", "not ok "].contains { line.contains($0) }
        }
        let head = important.prefix(60).joined(separator: "\n")
        let tail = String(text.suffix(max(0, limit - head.count - 40)))
        return head + "\n… [output trimmed] …\n" + tail
    }
}
