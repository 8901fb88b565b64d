import FixloopCore
import FixloopGit
import FixloopVerify
import Foundation

/// What a revision round of one of Fixloop's pull requests is asked to do.
public struct RevisionTask: Sendable {
    /// The ticket the pull request fixes.
    public var ticket: Ticket
    /// `OWNER/NAME#N`, as the prompt names it.
    public var pullRequest: String
    /// The review comments to answer, oldest first.
    public var comments: [ReviewComment]
    /// Free instructions from a person with write access (`/fixloop <text>`, `fixloop revise --instructions`).
    public var instructions: String?
    /// A CI round's failing commands (``FixloopCore/CIFailureReport/failingCommands``): those the sandbox can run are
    /// run at the head before the edit loop (``Engineer/rerunCI(_:in:)``).
    public var ciCommands: [String] = []

    public init(ticket: Ticket, pullRequest: String, comments: [ReviewComment], instructions: String?) {
        self.ticket = ticket
        self.pullRequest = pullRequest
        self.comments = comments
        self.instructions = instructions
    }
}

extension Engineer {
    /// How a revision round ended.
    public struct RoundResult: Sendable {
        public var report: EngineerReport
        /// The verified change on top of the head, when there is one.
        public var change: Candidate?
        /// What the model submitted as its answers (one line per comment), also when it changed nothing.
        public var answers: String
        /// A CI round's failing commands that passed when rerun in the sandbox (then nothing was edited).
        public var passedInSandbox: [String] = []
    }

    /// One revision round on `workspace` (a checkout at the pull request's head `headCommit`, whose diff is taken
    /// against `baseCommit`): the tests at the base and the head, the edit loop with the review as its task, and
    /// verification of the whole pull request on a fresh copy of the base.
    /// - Returns: `fixed` with a change when the round changed something that passed; `notFixed` with no change when
    ///   it changed nothing (the reason says so) or gave up.
    public func revise(_ task: RevisionTask, workspace: URL, headCommit: String, baseCommit: String, scratch: URL) async throws -> RoundResult {
        var task = task
        let deadline = ContinuousClock.now + settings.timeout
        if let setupCommand {
            let result = try await tests.run(setupCommand, in: workspace, setup: true)
            await trajectory.record(.setup, result.succeeded ? "ok" : "failed", result.standardError.text.suffix(2_000).description)
            guard result.succeeded else {
                return RoundResult(report: .ended(.error, "setup: '\(setupCommand)' ended with \(result.termination.description)"), answers: "")
            }
        }
        switch try await rerunCI(task.ciCommands, in: workspace) {
        case .none:
            break
        case .passed(let commands):
            let list = commands.map { "`\($0)`" }.joined(separator: ", ")
            let reason = "unchanged: \(list) \(commands.count == 1 ? "passes" : "pass") in Fixloop's sandbox at the head \(headCommit.prefix(12)): a flaky or environment-only failure, so nothing was edited"
            return RoundResult(report: .ended(.notFixed, reason), answers: "", passedInSandbox: commands)
        case .failed(let prompt):
            task.instructions = [task.instructions, prompt].compactMap { $0 }.joined(separator: "\n\n")
        }
        let baseTree = try Candidates.copy(workspace, to: scratch.appendingPathComponent("base", isDirectory: true))
        try await GitWorkingCopy(directory: baseTree).checkoutDetached(baseCommit)
        let base = try await Baseline.measure(tests: tests, workspace: baseTree, runs: settings.baselineRuns)
        await trajectory.record(.baseline, "tests", "at the base \(baseCommit.prefix(12)): \(base.run.summary)")
        let head = try await tests.runTests(in: workspace)
        // What the pull request made pass: failing (or absent) at the base, passing at the head.
        let reproduction = head.passing.filter { base.run.results.outcome(of: $0) != .passed }.subtracting(base.flaky)
        await trajectory.record(.reproduce, "head", "at the head \(headCommit.prefix(12)): \(head.summary)\nmade pass: \(reproduction.sorted().joined(separator: ", "))")
        let current = try await GitWorkingCopy(directory: workspace).diff(from: baseCommit)
        let format = try editFormat()
        let system = try prompts.render(EngineerSystemPrompt(format: format, maxTurns: settings.maxTurns, budget: nil)).text
        let prompt = try prompts.render(RevisionTaskPrompt(
            task: task, currentDiff: current.patch, testCommand: tests.testCommand, baseSummary: base.run.summary,
            headSummary: head.summary, reproduction: reproduction.sorted(), files: Localizer.readFiles(in: workspace).keys.sorted())).text
        let copy = try Candidates.copy(workspace, to: scratch.appendingPathComponent("candidate-1", isDirectory: true))
        let git = GitWorkingCopy(directory: copy)
        let policy = settings.policy
        // A round may change nothing; what it does change must keep the reproduction, the base's passing tests and the policy.
        let acceptance = EditLoop.Acceptance { run in
            let diff = try await git.diff(from: baseCommit)
            return base.regressions(in: run, reproduction: reproduction) + policy.violations(of: diff).map { "policy (\($0.rule.rawValue)): \($0)" }
        }
        let loop = EditLoop(model: model, tools: EngineerTools(files: WorkspaceFiles(root: copy), tests: tests), format: format,
                            prompts: prompts, settings: settings, trajectory: trajectory, deadline: deadline)
        let result = try await loop.run(system: system, task: prompt, workspace: copy, acceptance: acceptance, step: .candidate(1))
        var report = EngineerReport.ended(.notFixed, "")
        report.baseline = base.run.summary
        report.flakyTests = base.flaky.sorted()
        report.reproduction = reproduction.sorted()
        report.turns = result.turns
        report.tokens = result.tokens
        guard case .fixed(let rootCause, let summary) = result.ending else {
            if case .gaveUp(let reason) = result.ending { report.reason = reason }
            return RoundResult(report: report, answers: "")
        }
        report.summary = summary
        report.rootCause = rootCause
        let round = try await git.diff(from: headCommit)
        guard !round.files.isEmpty else {
            report.reason = "unchanged: the round found nothing to change"
            return RoundResult(report: report, answers: summary)
        }
        let whole = try await git.diff(from: baseCommit)
        report.diff = whole.patch
        report.changedFiles = whole.files.map { .init(path: $0.path, additions: $0.additions, deletions: $0.deletions) }
        let verification = try await verifyRound(whole, pristine: workspace, baseCommit: baseCommit, base: base, reproduction: reproduction, scratch: scratch)
        report.verification = verification
        guard verification.resolved else {
            report.reason = "verification: \(verification.reason)"
            return RoundResult(report: report, answers: summary)
        }
        report.outcome = .fixed
        report.reason = "verified: the pull request's tests still pass and every test that passed at the base still passes"
        return RoundResult(report: report, change: Candidate(directory: copy, diff: round, rootCause: rootCause, summary: summary), answers: summary)
    }

    /// The whole pull request (base to the round's tree) checked as `fixloop verify` would, on a fresh copy of the base.
    private func verifyRound(
        _ whole: GitDiff, pristine: URL, baseCommit: String, base: Baseline, reproduction: Set<String>, scratch: URL
    ) async throws -> VerificationReport {
        let copy = try Candidates.copy(pristine, to: scratch.appendingPathComponent("verify", isDirectory: true))
        try await GitWorkingCopy(directory: copy).checkoutDetached(baseCommit)
        let report = try await verifier.verify(VerificationRequest(
            workspace: copy, setupCommand: setupCommand, testCommand: tests.testCommand, patch: whole.patch,
            failToPass: reproduction.sorted(), passToPass: base.run.passing.subtracting(base.flaky).subtracting(reproduction).sorted(),
            extraReadOnlyPaths: tests.readOnlyPaths, restoresTestFiles: false))
        await trajectory.record(.verify, report.status, report.reason)
        return report
    }
}
