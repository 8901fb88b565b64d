import FixloopCore
import Foundation

/// `fixloop bench candidates`: the wall time of several candidates at once against one, on the same checkout with
/// the same engineer (model, sandbox, `jobs`), in the same run.
public enum CandidatesBenchmark {
    /// The figures.
    public struct Result: Sendable, Codable, Equatable {
        /// How many candidates the second run had.
        public var candidates: Int
        /// Sandbox runs at once (`--jobs`).
        public var jobs: Int
        public var oneSeconds: Double
        public var manySeconds: Double
        /// `manySeconds / oneSeconds` (goal ≤ 1.5).
        public var ratio: Double
        /// Fixed candidates in each run: all of them, or the figures mean little.
        public var fixedOne: Int
        public var fixedMany: Int
    }

    /// Measures the baseline, then one candidate, then `candidates` at once, each from `workspace` into `scratch`.
    /// - Parameters:
    ///   - reproduction: the test ids that fail at `baseCommit` and must pass.
    ///   - stage: told what is measured next.
    /// - Throws: what a run throws (sandbox, git, model errors).
    public static func measure(
        engineer: Engineer, candidates: Int, workspace: URL, baseCommit: String, scratch: URL, reproduction: Set<String>,
        stage: @Sendable (String) -> Void = { _ in }
    ) async throws -> Result {
        try RunLeftovers.exclude(in: workspace, extra: [])
        stage("the baseline test run")
        let baseline = try await Baseline.measure(tests: engineer.tests, workspace: workspace, runs: 1)
        let format = try engineer.editFormat()
        func time(_ count: Int) async throws -> (seconds: Double, fixed: Int) {
            stage(count == 1 ? "1 candidate" : "\(count) candidates at once")
            let started = ContinuousClock.now
            let outcome = try await Candidates(
                engineer: engineer, format: format, baseline: baseline,
                reproduction: Reproduction.Found(tests: reproduction, written: false), deadline: .now + engineer.settings.timeout)
                .run(count: count, from: workspace, baseCommit: baseCommit, scratch: scratch, system: "system", task: "task")
            return ((ContinuousClock.now - started).inSeconds, outcome.summaries.filter(\.fixed).count)
        }
        let one = try await time(1)
        let many = try await time(candidates)
        return Result(candidates: candidates, jobs: engineer.settings.jobs, oneSeconds: one.seconds, manySeconds: many.seconds,
                      ratio: many.seconds / max(one.seconds, 0.001), fixedOne: one.fixed, fixedMany: many.fixed)
    }
}
