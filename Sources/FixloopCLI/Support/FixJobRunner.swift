import FixloopCore
import FixloopGitHub
import FixloopServer
import Foundation

/// The PR bot's work: a queued job becomes a `fixloop fix` run through the same ``FixRunner``, with the job's
/// GitHub token in its environment and its trajectory steps reported as progress stages.
struct FixJobRunner: JobRunner {
    let context: CommandContext
    let tokens: any GitHubTokenProvider
    /// `fix` options every job gets (`--model`, `--max-cost`, `--sandbox`).
    let fixArguments: [String]
    /// `OWNER/NAME` → where to clone it from, instead of `https://github.com/OWNER/NAME`.
    let cloneFrom: [String: String]

    func run(_ job: Job, progress: @escaping @Sendable (ProgressStage) async -> Void) async throws -> JobOutcome {
        var environment = context.environment
        if let token = try await tokens.token(installation: job.installationID) {
            environment["GITHUB_TOKEN"] = token.reveal()
            environment["GH_TOKEN"] = nil
        }
        var arguments = ["--ticket", job.ticket] + fixArguments
        if let source = cloneFrom[job.repository] { arguments += ["--repo", source] }
        if job.ticket.hasPrefix("linear:") {
            // A Linear ticket names no repository: the job's, from [serve] linear_repository, gets the pull request.
            if cloneFrom[job.repository] == nil { arguments += ["--repo", "https://github.com/\(job.repository).git"] }
            arguments += ["--pr-repo", job.repository]
        }
        var runner = FixRunner(command: try FixCommand.parse(arguments),
                               context: CommandContext(configuration: context.configuration, state: context.state, environment: environment, output: { _ in }))
        let (stages, continuation) = AsyncStream<ProgressStage>.makeStream()
        runner.observer = { event in
            if let stage = ProgressStage.of(step: event.step) { continuation.yield(stage) }
        }
        runner.commentsOnTicket = false
        let relay = Task { for await stage in stages { await progress(stage) } }
        defer { continuation.finish() }
        let report = try await withTaskCancellationHandler {
            try await runner.run()
        } onCancel: {
            continuation.finish()
        }
        continuation.finish()
        await relay.value
        return Self.outcome(report)
    }

    static func outcome(_ report: FixReport) -> JobOutcome {
        let engineer = report.engineer
        let tried = "\(engineer.candidates.count) candidate(s), \(engineer.turns) model turns, \(engineer.tokens) tokens"
            + (engineer.reproduction.isEmpty ? "; no failing test reproduced the bug" : "; reproduced by \(engineer.reproduction.joined(separator: ", "))")
            + engineer.candidates.filter { !$0.fixed }.prefix(3).map { "; candidate \($0.index): \($0.reason)" }.joined()
        switch engineer.outcome {
        case .fixed where report.prURL != nil:
            return JobOutcome(state: .done, summary: "Root cause: \(engineer.rootCause)", prURL: report.prURL, costUSD: report.costUSD)
        case .notABug:
            return JobOutcome(state: .failed, summary: "triage says this is not a bug (\(engineer.reason)).", costUSD: report.costUSD, tried: "triage only")
        default:
            return JobOutcome(state: .failed, summary: engineer.reason, costUSD: report.costUSD, tried: tried)
        }
    }
}
