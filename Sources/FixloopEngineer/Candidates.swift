import FixloopCore
import FixloopGit
import Foundation

/// N independent attempts in separate copies of the checkout; the verified ones are compared and the best
/// chosen: fewest changed lines, then agreement between candidates, then the earliest.
struct Candidates {
    let engineer: Engineer
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
            let policy = engineer.settings.policy
            let baseline = self.baseline
            let reproduction = self.reproduction.tests
            let acceptance = EditLoop.Acceptance { run in
                var problems = baseline.regressions(in: run, reproduction: reproduction)
                let diff = try await git.diff(from: baseCommit)
                if diff.files.allSatisfy({ TestLines.isTestFile($0.path) }) { problems.append("no source file was changed yet") }
                problems += policy.violations(of: diff).map { "policy (\($0.rule.rawValue)): \($0)" }
                return problems
            }
            let loop = EditLoop(
                model: engineer.model, tools: EngineerTools(files: WorkspaceFiles(root: copy), tests: engineer.tests),
                prompts: engineer.prompts, settings: engineer.settings, trajectory: engineer.trajectory,
                usesTools: engineer.usesTools, deadline: deadline)
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
        let agreement = Dictionary(grouping: fixed, by: { Self.normalized($0.candidate.diff.patch) }).mapValues(\.count)
        let best = fixed.min { lhs, rhs in
            let (a, b) = (lhs.candidate.diff.changedLines, rhs.candidate.diff.changedLines)
            if a != b { return a < b }
            let (x, y) = (agreement[Self.normalized(lhs.candidate.diff.patch)] ?? 0, agreement[Self.normalized(rhs.candidate.diff.patch)] ?? 0)
            if x != y { return x > y }
            return lhs.index < rhs.index
        }!
        return Outcome(chosen: best.candidate, summaries: summaries, reason: "candidate \(best.index) chosen", tokens: tokens)
    }

    /// The patch without index lines, so equal changes compare equal.
    static func normalized(_ patch: String) -> String {
        patch.split(separator: "\n").filter { !$0.hasPrefix("index ") }.joined(separator: "\n")
    }
}
