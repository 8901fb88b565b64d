import FixloopCore
import FixloopGit
import Foundation

/// N independent attempts, run at once, each in its own copy of the checkout; the verified ones are compared and
/// the best chosen: fewest changed lines, then agreement between candidates, then the earliest.
///
/// Their model calls overlap; their sandbox runs share ``EngineerSettings/jobs`` slots. Every candidate finishes
/// unless ``EngineerSettings/firstFixWins``: then the first accepted one stops the others.
struct Candidates: Sendable {
    let engineer: Engineer
    /// How every candidate's model edits and submits.
    let format: any EditFormat
    let baseline: Baseline
    let reproduction: Reproduction.Found
    let deadline: ContinuousClock.Instant

    struct Outcome {
        var chosen: Engineer.Candidate?
        var summaries: [EngineerReport.CandidateSummary]
        var reason: String
        var tokens: Int
    }

    /// One candidate's end.
    struct Attempt: Sendable {
        var index: Int
        var fixed: Engineer.Candidate?
        var summary: EngineerReport.CandidateSummary
        var tokens: Int
        /// Its last test run (the progress comment shows its counts).
        var lastRun: TestRun? = nil
    }

    func run(count: Int, from workspace: URL, baseCommit: String, scratch: URL, system: String, task: String) async throws -> Outcome {
        let copies = try (1...max(1, count)).map { ($0, try Self.copy(workspace, to: scratch.appendingPathComponent("candidate-\($0)", isDirectory: true))) }
        let tests = { var tests = engineer.tests; tests.slots = TestSlots(engineer.settings.jobs); return tests }()
        let attempts = try await withThrowingTaskGroup(of: Attempt.self) { group in
            for (index, copy) in copies {
                group.addTask {
                    let ended = try await attempt(index, in: copy, tests: tests, baseCommit: baseCommit, system: system, task: task)
                    engineer.trajectory.reach(.candidateEnded(index: index, of: copies.count, accepted: ended.fixed != nil,
                                                              tests: ended.lastRun?.results.summary, reason: ended.summary.reason))
                    return ended
                }
            }
            var attempts: [Attempt] = []
            for try await attempt in group {
                attempts.append(attempt)
                if engineer.settings.firstFixWins, attempt.fixed != nil { group.cancelAll() }
            }
            return attempts.sorted { $0.index < $1.index }
        }
        try Task.checkCancellation()
        let tokens = attempts.reduce(0) { $0 + $1.tokens }
        let fixed = attempts.compactMap { attempt in attempt.fixed.map { (index: attempt.index, candidate: $0) } }
        guard !fixed.isEmpty else {
            return Outcome(chosen: nil, summaries: attempts.map(\.summary), reason: attempts.first?.summary.reason ?? "no candidate", tokens: tokens)
        }
        let best = Self.choose(fixed.map { ($0.index, $0.candidate.diff.changedLines, $0.candidate.diff.patch) })
        let chosen = fixed.first { $0.index == best }!
        return Outcome(chosen: chosen.candidate, summaries: attempts.map(\.summary), reason: "candidate \(best) chosen", tokens: tokens)
    }

    /// One edit loop in `copy`; stopped by another candidate's fix (``EngineerSettings/firstFixWins``), it gave up.
    private func attempt(
        _ index: Int, in copy: URL, tests: SandboxedTests, baseCommit: String, system: String, task: String
    ) async throws -> Attempt {
        let git = GitWorkingCopy(directory: copy)
        let acceptance = Self.acceptance(
            of: git, baseCommit: baseCommit, baseline: baseline, reproduction: reproduction.tests, policy: engineer.settings.policy)
        let loop = EditLoop(
            model: engineer.model, tools: EngineerTools(files: WorkspaceFiles(root: copy), tests: tests),
            format: format, prompts: engineer.prompts, settings: engineer.settings, trajectory: engineer.trajectory, deadline: deadline)
        let result: EditLoop.Result
        do {
            result = try await loop.run(system: system, task: task, workspace: copy, acceptance: acceptance, step: .candidate(index))
        } catch where Task.isCancelled {
            let reason = "stopped: another candidate was accepted first (--first)"
            return Attempt(index: index, summary: .init(index: index, fixed: false, reason: reason, changedLines: 0, turns: 0), tokens: 0)
        }
        switch result.ending {
        case .fixed(let rootCause, let summary):
            let diff = try await git.diff(from: baseCommit)
            return Attempt(
                index: index, fixed: Engineer.Candidate(directory: copy, diff: diff, rootCause: rootCause, summary: summary),
                summary: .init(index: index, fixed: true, reason: "tests pass", changedLines: diff.changedLines, turns: result.turns),
                tokens: result.tokens, lastRun: result.lastRun)
        case .gaveUp(let reason):
            return Attempt(index: index, summary: .init(index: index, fixed: false, reason: reason, changedLines: 0, turns: result.turns),
                           tokens: result.tokens, lastRun: result.lastRun)
        }
    }

    /// A private copy of the checkout: no other local user may read it (the sandbox user gets it for each run).
    static func copy(_ workspace: URL, to copy: URL) throws -> URL {
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: workspace, to: copy)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: copy.path)
        return copy
    }

    /// A candidate's change counts when the reproduction passes, nothing that passed before fails, a source file
    /// (not only tests) changed, and the diff policy holds.
    static func acceptance(
        of git: GitWorkingCopy, baseCommit: String, baseline: Baseline, reproduction: Set<String>, policy: DiffPolicy
    ) -> EditLoop.Acceptance {
        EditLoop.Acceptance { run in
            var problems = baseline.regressions(in: run, reproduction: reproduction)
            let diff = try await git.diff(from: baseCommit)
            if diff.files.allSatisfy({ TestLines.isTestFile($0.path) }) { problems.append("no source file was changed yet") }
            problems += policy.violations(of: diff).map { "policy (\($0.rule.rawValue)): \($0)" }
            return problems
        }
    }

    /// The best of the fixed candidates: fewest changed lines, then the change most candidates agree on, then
    /// the earliest. - Returns: its index; `fixed` must not be empty.
    static func choose(_ fixed: [(index: Int, changedLines: Int, patch: String)]) -> Int {
        let agreement = Dictionary(grouping: fixed, by: { normalized($0.patch) }).mapValues(\.count)
        return fixed.min { lhs, rhs in
            let (a, b) = (lhs.changedLines, rhs.changedLines)
            if a != b { return a < b }
            let (x, y) = (agreement[normalized(lhs.patch)] ?? 0, agreement[normalized(rhs.patch)] ?? 0)
            if x != y { return x > y }
            return lhs.index < rhs.index
        }!.index
    }

    /// The patch without index lines, so equal changes compare equal.
    static func normalized(_ patch: String) -> String {
        patch.split(separator: "\n").filter { !$0.hasPrefix("index ") }.joined(separator: "\n")
    }
}
