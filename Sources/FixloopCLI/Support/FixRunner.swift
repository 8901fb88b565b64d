import FixloopConfig
import FixloopCore
import FixloopEngineer
import FixloopGit
import FixloopGitHub
import FixloopLinear
import FixloopModels
import FixloopPrompts
import FixloopSandbox
import FixloopStore
import FixloopVerify
import Foundation

/// Wires the concrete adapters for `fixloop fix`, runs the engineer, and delivers what it found. `fixloop fix`
/// and the PR bot's workers (`FixJobRunner`) both run tickets through it.
struct FixRunner {
    let command: FixCommand
    let context: CommandContext
    /// Sees every trajectory event as it happens (the PR bot's progress comment).
    var observer: (@Sendable (Trajectory.Event) -> Void)?
    /// Whether delivery comments on a GitHub ticket (the PR bot has its own progress comment instead).
    var commentsOnTicket = true

    init(command: FixCommand, context: CommandContext) {
        self.command = command
        self.context = context
    }

    func run() async throws -> FixReport {
        let reference = try TicketReference(parsing: command.ticket)
        let ticket = try await TicketLoader(context: context).load(reference)
        guard let repositoryText = command.repo ?? ticket.repository else {
            throw CommandError(code: "fix.no_repository", message: "The ticket \(reference) names no repository; pass --repo URL|PATH.")
        }
        let remote = try RepositoryReference(parsing: repositoryText)
        let runID = Self.newRunID()
        try context.state.prepare()
        let runDirectory = context.state.runs.appendingPathComponent(runID, isDirectory: true)
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        let secrets = ["GITHUB_TOKEN", "GH_TOKEN", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "LINEAR_API_KEY"]
            .compactMap { context.environment[$0] }.filter { !$0.isEmpty }.map(Secret.init)
        let trajectory = Trajectory(file: runDirectory.appendingPathComponent("trajectory.jsonl"), secrets: secrets, observer: observer)
        let runs = SQLiteRunStore(database: try FixloopDatabase(url: context.state.database))
        if let holder = try runs.start(RunRecord(id: runID, ticket: reference.description, repository: remote.url,
                                                 host: ProcessInfo.processInfo.hostName, pid: getpid())) {
            throw CommandError(code: "fix.ticket_busy", message: "The ticket \(reference) is being fixed by run \(holder.id) (process \(holder.pid)); wait for it to finish or stop that process.")
        }
        // The branch is fixed when the ticket is first taken: a later title never makes a new branch or pull request.
        _ = try? Delivery(command: command, context: context, trajectory: trajectory).fixedBranch(ticket: ticket, reference: reference, remote: remote)
        await trajectory.record("run", "start", "ticket \(reference) on \(remote)")
        do {
            let report = try await fix(ticket: ticket, reference: reference, remote: remote, runID: runID, runDirectory: runDirectory, trajectory: trajectory)
            try runs.finish(runID, status: report.engineer.outcome.rawValue, branch: report.branch, prURL: report.prURL, reason: report.engineer.reason)
            return report
        } catch {
            try? runs.finish(runID, status: "error", branch: nil, prURL: nil, reason: "\(error)")
            await trajectory.record("run", "error", "\(error)")
            throw error
        }
    }

    private func fix(
        ticket: Ticket, reference: TicketReference, remote: RepositoryReference, runID: String, runDirectory: URL, trajectory: Trajectory
    ) async throws -> FixReport {

        var configuration = context.configuration
        if let maxCost = command.maxCost { configuration.budgets.perRunUSD = maxCost }
        let wiring = try ModelWiring(context: CommandContext(configuration: configuration, state: context.state, environment: context.environment, output: context.output))
        let spec = try ModelSpec(parsing: command.model ?? configuration.models.defaultModel)
        let model = try wiring.client(
            for: spec, attribution: CallAttribution(runID: runID, ticketID: reference.description, repository: remote.url),
            record: command.record.map { URL(fileURLWithPath: $0) })
        let readOnly = try SandboxChoice.readOnlyPaths(command.readOnly, context: context)
        let sandbox = try await command.sandbox.make(context: context)
        let catalog = SandboxChoice.catalog()
        let (testPolicy, setupPolicy) = (try catalog.policy("test"), try catalog.policy("setup"))
        let pool = WorkspacePool(mirrors: MirrorCache(root: context.state.mirrors), root: context.state.workspaces,
                                 poolSize: configuration.git.workspacePoolSize, checkoutLimits: CheckoutLimits(configuration.git))
        let credentials = GitCredentialChoice.credentials(for: remote, context: context)
        let progress = ProgressLine("fetching \(remote)")
        var report = try await pool.withWorkspace(remote: remote, at: command.commit ?? ticket.commit, credentials: credentials,
                                                  progress: progress.gitHandler) { workspace in
            progress.finish()
            return try await ScratchWorkspace.withFolder(label: "run") { scratch in
                let base = scratch.appendingPathComponent("base", isDirectory: true)
                try FileManager.default.copyItem(at: workspace.directory, to: base)
                try ScratchWorkspace.makePrivate(base)
                let settings = RepositorySettings.resolve(
                    in: base, overrides: .init(setupCommand: command.setup, testCommand: command.test, readOnlyPaths: readOnly),
                    fileSettings: try RepositoryFile.read(in: base))
                guard let testCommand = settings.testCommand else {
                    throw CommandError(code: "fix.no_test_command", message: "No test command for \(remote): pass --test, or add test = \"…\" to the repository's .fixloop.toml.")
                }
                var engineerSettings = EngineerSettings()
                engineerSettings.maxTurns = command.maxTurns
                engineerSettings.candidates = command.candidates
                engineerSettings.baselineRuns = command.runs
                engineerSettings.force = command.force
                engineerSettings.timeout = FixCommand.duration(command.timeout) ?? .seconds(1800)
                engineerSettings.policy = DiffPolicy(maxChangedLines: settings.maxChangedLines,
                                                     protectedPaths: DiffPolicy.defaultProtectedPaths + settings.protectedPaths)
                let tests = SandboxedTests(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy,
                                           testCommand: testCommand, readOnlyPaths: settings.readOnlyPaths)
                let engineer = Engineer(
                    model: model, tests: tests, verifier: PatchVerifier(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy),
                    prompts: PromptLibrary(), settings: engineerSettings, trajectory: trajectory, usesTools: !command.noTools,
                    setupCommand: settings.setupCommand)
                let (engineerReport, candidate) = try await engineer.fix(ticket: ticket, workspace: base, baseCommit: workspace.baseCommit, scratch: scratch)
                var report = FixReport(engineer: engineerReport, runID: runID, ticket: reference.description, trajectory: trajectory.file?.path ?? "")
                report.costUSD = (try? await wiring.ledger.totals(for: .run(runID)).costUSD) ?? 0
                if let candidate {
                    try await Delivery(command: command, context: context, trajectory: trajectory, commentsOnTicket: commentsOnTicket)
                        .deliver(candidate, report: &report, ticket: ticket, reference: reference, remote: remote,
                                 baseCommit: workspace.baseCommit, testCommand: testCommand, credentials: credentials, runDirectory: runDirectory)
                }
                return report
            }
        }
        report.costUSD = (try? await wiring.ledger.totals(for: .run(runID)).costUSD) ?? report.costUSD
        try Data((try JSONEncoder.pretty.encode(report))).write(to: runDirectory.appendingPathComponent("report.json"))
        await trajectory.record("run", "end", "\(report.engineer.outcome.rawValue): \(report.engineer.reason)")
        return report
    }

    static func newRunID() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "run-\(formatter.string(from: Date()))-\(UUID().uuidString.prefix(4).lowercased())"
    }
}


extension JSONEncoder {
    static var pretty: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
