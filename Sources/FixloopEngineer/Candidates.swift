import FixloopCore
import FixloopGit
import Foundation

/// N independent attempts in separate copies of the checkout; the verified ones are compared and the best
/// chosen: fewest changed lines, then agreement between candidates, then the earliest.
struct Candidates {
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

    func run(count: Int, from workspace: URL, baseCommit: String, scratch: URL, system: String, task: String) async throws -> Outcome {
        var fixed: [(index: Int, candidate: Engineer.Candidate)] = []
        var summaries: [EngineerReport.CandidateSummary] = []
        var reasons: [String] = []
        var tokens = 0
        for index in 1...max(1, count) {
            let copy = scratch.appendingPathComponent("candidate-\(index)", isDirectory: true)
            try? FileManager.default.removeItem(at: copy)
            try FileManager.default.copyItem(at: workspace, to: copy)
            // Private: no other local user may read the checkout (the sandbox user gets it for each run).
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: copy.path)
            let git = GitWorkingCopy(directory: copy)
            let acceptance = Self.acceptance(
                of: git, baseCommit: baseCommit, baseline: baseline, reproduction: reproduction.tests, policy: engineer.settings.policy)
            let loop = EditLoop(
                model: engineer.model, tools: EngineerTools(files: WorkspaceFiles(root: copy), tests: engineer.tests),
                format: format, prompts: engineer.prompts, settings: engineer.settings, trajectory: engineer.trajectory,
                deadline: deadline)
            let result = try await loop.run(system: system, task: task, workspace: copy, acceptance: acceptance, step: .candidate(index))
            tokens += result.tokens
            switch result.ending {
            case .fixed(let rootCause, let summary):
                let diff = try await git.diff(from: baseCommit)
                fixed.append((index, Engineer.Candidate(directory: copy, diff: diff, rootCause: rootCause, summary: summary)))
                summaries.append(.init(index: index, fixed: true, reason: "tests pass", changedLines: diff.changedLines, turns: result.turns))
            case .gaveUp(let reason):
                reasons.append(reason)
                summaries.append(.init(index: index, fixed: false, reason: reason, changedLines: 0, turns: result.turns))
            }
            if ContinuousClock.now >= deadline { break }
        }
        guard !fixed.isEmpty else {
            return Outcome(chosen: nil, summaries: summaries, reason: reasons.first ?? "no candidate", tokens: tokens)
        }
        let best = Self.choose(fixed.map { ($0.index, $0.candidate.diff.changedLines, $0.candidate.diff.patch) })
        let chosen = fixed.first { $0.index == best }!
        return Outcome(chosen: chosen.candidate, summaries: summaries, reason: "candidate \(best) chosen", tokens: tokens)
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
