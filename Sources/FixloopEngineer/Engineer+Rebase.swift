import FixloopCore
import FixloopGit
import Foundation

extension Engineer {
    /// What a rebased branch's re-verification found.
    public struct RebaseCheck: Sendable, Equatable {
        /// Empty when the rebased tree holds: the reproduction passes and nothing that passes at the new base fails.
        public var problems: [String]
        /// The tests the pull request made pass (passing at its old head, not at the new base).
        public var reproduction: [String]
        /// The test runs at the new base and at the rebased head, for the reply.
        public var baseSummary: String
        public var headSummary: String
    }

    /// Re-verifies a branch rebased onto a moved base, with no model: the tests run at the new base, at the branch's
    /// old head and at the rebased head (`workspace`, checked out there). What passed at the old head and not at the
    /// new base is the reproduction and must still pass; what passes at the new base must not fail.
    /// No model takes part, so this needs no ``Engineer``: only its tests, setup command and trajectory.
    public static func verifyRebase(
        tests: SandboxedTests, setupCommand: String?, baselineRuns: Int, trajectory: Trajectory,
        workspace: URL, oldHead: String, newBase: String, scratch: URL
    ) async throws -> RebaseCheck {
        if let setupCommand {
            let result = try await tests.run(setupCommand, in: workspace, setup: true)
            await trajectory.record(.setup, result.succeeded ? "ok" : "failed", result.standardError.text.suffix(2_000).description)
            guard result.succeeded else {
                return RebaseCheck(problems: ["setup: '\(setupCommand)' ended with \(result.termination.description)"],
                                   reproduction: [], baseSummary: "", headSummary: "")
            }
        }
        let baseTree = try Candidates.copy(workspace, to: scratch.appendingPathComponent("base", isDirectory: true))
        try await GitWorkingCopy(directory: baseTree).checkoutDetached(newBase)
        let base = try await Baseline.measure(tests: tests, workspace: baseTree, runs: baselineRuns)
        await trajectory.record(.baseline, "tests", "at the new base \(newBase.prefix(12)): \(base.run.summary)")
        let oldTree = try Candidates.copy(workspace, to: scratch.appendingPathComponent("old-head", isDirectory: true))
        try await GitWorkingCopy(directory: oldTree).checkoutDetached(oldHead)
        let old = try await tests.runTests(in: oldTree)
        let reproduction = old.passing.filter { base.run.results.outcome(of: $0) != .passed }.subtracting(base.flaky)
        let head = try await tests.runTests(in: workspace)
        await trajectory.record(.reproduce, "rebased", "at the rebased head: \(head.summary)\nmade pass before: \(reproduction.sorted().joined(separator: ", "))")
        return RebaseCheck(problems: base.regressions(in: head, reproduction: reproduction), reproduction: reproduction.sorted(),
                           baseSummary: base.run.summary, headSummary: head.summary)
    }
}
