import ArgumentParser
import FixloopCore
import FixloopFixService
import Foundation

/// `fixloop fix`: one bug ticket → reproduce, patch, verify in the sandbox → a draft pull request.
struct FixCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix", abstract: "Fix one bug ticket: reproduce, patch, verify in the sandbox, open a draft PR.",
        discussion: """
            REF is a Markdown or JSON file, - for standard input, gh:OWNER/NAME#N, linear:KEY-N or local:N. The \
            repository comes from --repo, else from the ticket. Exit status: 0 fixed, 1 not fixed or not a bug, \
            2 when the run could not be done.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The ticket.", valueName: "ref")) var ticket: String
    @Option(help: ArgumentHelp("The repository: an HTTPS or SSH URL, or a local path.", valueName: "url|path")) var repo: String?
    @Option(help: ArgumentHelp("A branch, tag or commit (default: the ticket's, else the default branch head).", valueName: "rev")) var commit: String?
    @Option(help: ArgumentHelp("The model: openai:MODEL, anthropic:MODEL or replay:FILE.", valueName: "spec")) var model: String?
    @Option(help: ArgumentHelp("The test command (default: .fixloop.toml, then detection).", valueName: "cmd")) var test: String?
    @Option(help: ArgumentHelp("The setup command, run with the network.", valueName: "cmd")) var setup: String?
    @Option(help: ArgumentHelp("Independent attempts, run at once; the best verified one is delivered.", valueName: "n")) var candidates = 1
    @Option(help: ArgumentHelp("Test and command runs at once across the candidates (default: the core count).", valueName: "n")) var jobs: Int?
    @Flag(help: "Stop the other candidates as soon as one is accepted (default: let every candidate finish, then choose).") var first = false
    @Option(help: ArgumentHelp("Model turns per attempt.", valueName: "n")) var maxTurns = 30
    @Option(help: ArgumentHelp("Most model spend for this run, in US dollars.", valueName: "usd")) var maxCost: Double?
    @Option(help: ArgumentHelp("Wall-clock limit: 90s, 20m, 1h.", valueName: "duration")) var timeout = "30m"
    @Option(help: ArgumentHelp("Baseline test runs, to find flaky tests.", valueName: "n")) var runs = 1
    @Option(name: .customLong("ro"), help: ArgumentHelp("Another host path to bind read-only.", valueName: "path")) var readOnly: [String] = []
    @Flag(help: "Write the patch and report locally instead of pushing and opening a pull request.") var noPR = false
    @Flag(help: "Push the branch to the repository but open no pull request (a plain git remote).") var branchOnly = false
    @Option(help: ArgumentHelp("Where to open the pull request (default: the repository's owner/name).", valueName: "owner/name")) var prRepo: String?
    @Flag(help: "Go on even when triage says the ticket is not a bug.") var force = false
    @Flag(help: "Offer no tools: the model edits with SEARCH/REPLACE blocks only.") var noTools = false
    @Option(help: ArgumentHelp("Record every model request and reply to this file (JSON lines, secrets redacted).", valueName: "file")) var record: String?
    @Option(help: .sandbox) var sandbox: SandboxChoice = .bubblewrap
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard (1...8).contains(candidates) else { throw ValidationError("--candidates must be between 1 and 8.") }
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256.") }
        guard (1...500).contains(maxTurns) else { throw ValidationError("--max-turns must be between 1 and 500.") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be between 1 and 20.") }
        guard Self.duration(timeout) != nil else { throw ValidationError("--timeout takes a duration such as 90s, 20m or 1h.") }
        if let prRepo, prRepo.split(separator: "/").count != 2 { throw ValidationError("--pr-repo is OWNER/NAME.") }
    }

    func run() async throws {
        let context = try global.context()
        let service = try await FixWiring.service(context: context, sandbox: sandbox, readOnly: readOnly)
        let progress = ProgressLine("")
        let io = CommandIO.current
        let writer = FixProgressWriter(io: io)
        let outcome = try await service.run(try request(context), observer: FixObserver(
            started: { io.writeError(FixProgress.started($0) + "\n") },
            event: { step, kind, detail in writer.write(step, kind: kind, detail: detail) },
            fetch: { remote, counts in progress.update("fetching \(remote): \(counts)") }, fetched: { progress.finish() }))
        writer.end()
        context.print(json ? String(decoding: try JSONEncoder.pretty.encode(outcome), as: UTF8.self) : outcome.humanSummary)
        switch outcome.engineer.outcome {
        case .fixed: return
        case .notFixed, .notABug: throw ExitCode(ExitStatus.negative.rawValue)
        case .error: throw ExitCode(ExitStatus.error.rawValue)
        }
    }

    /// The run these options ask for.
    func request(_ context: CommandContext) throws -> FixRequest {
        var request = FixRequest(ticket: .reference(try TicketReference(parsing: ticket)),
                                 model: try ModelSpec(parsing: model ?? context.configuration.models.defaultModel))
        request.repository = repo
        request.commit = commit
        request.limits.candidates = candidates
        request.limits.maxTurns = maxTurns
        if let jobs { request.limits.jobs = jobs }
        request.limits.firstFixWins = first
        request.limits.maxCostUSD = maxCost
        request.limits.timeout = Self.duration(timeout) ?? .seconds(1800)
        request.limits.baselineRuns = runs
        request.overrides = .init(setupCommand: setup, testCommand: test)
        request.force = force
        request.usesTools = !noTools
        request.delivery = noPR ? .patchOnly : branchOnly ? .branchOnly : .pullRequest(repository: prRepo, commentOnTicket: true)
        request.credentials = EdgeSecrets(context.environment).fixCredentials
        request.record = record.map { URL(fileURLWithPath: $0) }
        return request
    }

    /// `90s`, `20m`, `1h`, or plain seconds; more than zero.
    static func duration(_ text: String) -> Duration? {
        guard let seconds = DurationText.seconds(text, units: [.seconds, .minutes, .hours], bareSeconds: true), seconds > 0 else { return nil }
        return .seconds(seconds)
    }
}
