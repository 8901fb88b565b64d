import FixloopCore
import FixloopGit
import FixloopPrompts
import FixloopVerify
import Foundation

/// The engineer: a bug ticket and a pristine checkout in, a verified change (or the reason there is none) out.
///
/// Adapters come in through the initializer; nothing here reads the environment.
public struct Engineer: Sendable {
    public let model: any ModelClient
    public let tests: SandboxedTests
    public let verifier: PatchVerifier
    public let prompts: PromptLibrary
    public let settings: EngineerSettings
    public let trajectory: Trajectory
    /// Offer tools (``ToolCallEditFormat``) or ask for SEARCH/REPLACE blocks only (``SearchReplaceEditFormat``).
    public let usesTools: Bool
    public let setupCommand: String?

    public init(
        model: any ModelClient, tests: SandboxedTests, verifier: PatchVerifier, prompts: PromptLibrary,
        settings: EngineerSettings, trajectory: Trajectory, usesTools: Bool, setupCommand: String?
    ) {
        self.model = model
        self.tests = tests
        self.verifier = verifier
        self.prompts = prompts
        self.settings = settings
        self.trajectory = trajectory
        self.usesTools = usesTools
        self.setupCommand = setupCommand
    }

    /// A candidate that passed, kept for delivery.
    public struct Candidate: Sendable {
        public let directory: URL
        public let diff: GitDiff
        public let rootCause: String
        public let summary: String
    }

    /// Runs every step on `workspace` (a checkout at `baseCommit`; the engineer works in copies of it under `scratch`).
    /// - Returns: the report, and the chosen candidate when the outcome is `fixed`.
    public func fix(ticket: Ticket, workspace: URL, baseCommit: String, scratch: URL) async throws -> (EngineerReport, Candidate?) {
        let deadline = ContinuousClock.now + settings.timeout
        var triage: TriageDecision?
        if !settings.force {
            switch try await Triage(model: model, prompts: prompts).classify(ticket) {
            case .failure(let failure):
                await trajectory.record(.triage, "failed", failure.reason)
                return (.ended(failure.reason.hasPrefix("budget") ? .notFixed : .error, failure.reason), nil)
            case .success(let decision):
                triage = decision
                await trajectory.record(.triage, decision.ticketClass.rawValue, decision.reason)
                guard decision.ticketClass == .bug else {
                    return (.ended(.notABug, "triage: \(decision.ticketClass.rawValue): \(decision.reason)", triage: decision), nil)
                }
            }
        }
        if let setupCommand {
            let result = try await tests.run(setupCommand, in: workspace, setup: true)
            await trajectory.record(.setup, result.succeeded ? "ok" : "failed", result.standardError.text.suffix(2_000).description)
            guard result.succeeded else {
                return (.ended(.error, "setup: '\(setupCommand)' ended with \(result.limit.map { "the \($0) limit" } ?? result.termination.description)", triage: triage), nil)
            }
        }
        let baseline = try await Baseline.measure(tests: tests, workspace: workspace, runs: settings.baselineRuns)
        await trajectory.record(.baseline, "tests", "\(baseline.run.summary)\nfailing: \(baseline.run.failing.joined(separator: ", "))\nflaky: \(baseline.flaky.sorted().joined(separator: ", "))")
        let reproduction = try await Reproduction(model: model, prompts: prompts, tests: tests, trajectory: trajectory)
            .find(ticket: ticket, baseline: baseline, workspace: workspace)
        trajectory.reach(.reproduced(tests: reproduction.tests.sorted(), written: reproduction.written))
        guard !reproduction.tests.isEmpty else {
            var report = EngineerReport.ended(.notFixed, "reproduction: no failing test reproduces the bug, so a fix could not be verified", triage: triage)
            report.baseline = baseline.run.summary
            return (report, nil)
        }
        let files = Localizer.readFiles(in: workspace)
        let localization = Localizer().rank(text: ticket.fullText + "\n" + baseline.run.output, files: files)
        await trajectory.record(.localize, "ranking", localization.candidates.map { "\($0.path) \($0.score)" }.joined(separator: "\n"))
        let instructions = RepositoryInstructions.read(in: workspace)
        if let instructions {
            await trajectory.record(.localize, "instructions", "\(instructions.file)\(instructions.cut ? " (cut)" : "") shown in the task prompt")
        }
        let format = try editFormat()
        let system = try prompts.render(EngineerSystemPrompt(format: format, maxTurns: settings.maxTurns, budget: nil)).text
        let task = try prompts.render(EngineerTaskPrompt(
            ticket: ticket, testCommand: tests.testCommand, baselineSummary: baseline.run.summary,
            reproductionTest: reproduction.tests.sorted().joined(separator: "`, `"), localization: localization,
            files: files.keys.sorted(), instructions: instructions)).text
        let attempts = try await Candidates(engineer: self, format: format, baseline: baseline, reproduction: reproduction, deadline: deadline)
            .run(count: settings.candidates, from: workspace, baseCommit: baseCommit, scratch: scratch, system: system, task: task)
        var report = EngineerReport.ended(.notFixed, attempts.reason, triage: triage)
        report.baseline = baseline.run.summary
        report.flakyTests = baseline.flaky.sorted()
        report.reproduction = reproduction.tests.sorted()
        report.reproductionWritten = reproduction.written
        report.localization = localization
        report.candidates = attempts.summaries
        report.turns = attempts.summaries.reduce(0) { $0 + $1.turns }
        report.tokens = attempts.tokens
        guard let chosen = attempts.chosen else { return (report, nil) }
        report.diff = chosen.diff.patch
        report.changedFiles = chosen.diff.files.map { .init(path: $0.path, additions: $0.additions, deletions: $0.deletions) }
        report.rootCause = chosen.rootCause
        report.summary = chosen.summary
        let verification = try await verify(chosen, pristine: workspace, baseCommit: baseCommit, baseline: baseline, reproduction: reproduction, scratch: scratch)
        report.verification = verification
        guard verification.resolved else {
            report.reason = "verification: \(verification.reason)"
            return (report, nil)
        }
        report.outcome = .fixed
        report.reason = "verified: the reproduction passes and every test that passed before still passes"
        return (report, chosen)
    }

    /// Tool calls when ``usesTools``, else SEARCH/REPLACE blocks.
    /// - Throws: ``PromptError`` when the format's template does not render.
    func editFormat() throws -> any EditFormat {
        usesTools ? try ToolCallEditFormat(prompts: prompts) : try SearchReplaceEditFormat(prompts: prompts)
    }

    /// The same machinery as `fixloop verify`, on a fresh copy of the base commit.
    private func verify(
        _ candidate: Candidate, pristine: URL, baseCommit: String, baseline: Baseline, reproduction: Reproduction.Found, scratch: URL
    ) async throws -> VerificationReport {
        let copy = scratch.appendingPathComponent("verify", isDirectory: true)
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: pristine, to: copy)
        // Private: no other local user may read the checkout (the sandbox user gets it for each run).
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: copy.path)
        try await GitWorkingCopy(directory: copy).checkoutDetached(baseCommit)
        let report = try await verifier.verify(VerificationRequest(
            workspace: copy, setupCommand: setupCommand, testCommand: tests.testCommand, patch: candidate.diff.patch,
            failToPass: reproduction.tests.sorted(), passToPass: baseline.run.passing.subtracting(baseline.flaky).sorted(),
            extraReadOnlyPaths: tests.readOnlyPaths, restoresTestFiles: !reproduction.written))
        await trajectory.record(.verify, report.status, report.reason)
        trajectory.reach(.verified(
            resolved: report.resolved, stillFailing: report.failToPass.filter { $0.value != .passed }.keys.sorted(),
            broken: report.passToPass.filter { $0.value != .passed }.keys.sorted(), reason: report.reason))
        return report
    }
}
