import ArgumentParser
import FixloopCore
import FixloopFixService
import Foundation

/// `fixloop revise`: one revision round on one of Fixloop's pull requests, from a terminal.
struct ReviseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revise", abstract: "Answer the review of one of Fixloop's pull requests: one round, one new commit, one reply.",
        discussion: """
            PR is gh:OWNER/NAME#N, a pull request Fixloop opened (its branch is fixloop/…). The round reads the \
            ticket, the pull request's diff and every review comment no earlier round answered, changes the code in \
            the sandbox, re-verifies the whole pull request on a fresh checkout, pushes one commit on top of the \
            branch (never a force push) and posts one reply. Exit status: 0 a commit was pushed, 1 nothing to change \
            or not revised, 2 when the round could not be done.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The pull request.", valueName: "gh:owner/name#n")) var pr: String
    @Option(help: ArgumentHelp("What to change, besides the review comments.", valueName: "text")) var instructions: String?
    @Option(help: ArgumentHelp("The repository to clone: an HTTPS or SSH URL, or a local path (default: the ticket's, else GitHub's).", valueName: "url|path")) var repo: String?
    @Option(help: ArgumentHelp("The model: openai:MODEL, anthropic:MODEL or replay:FILE.", valueName: "spec")) var model: String?
    @Option(help: ArgumentHelp("The test command (default: .fixloop.toml, then detection).", valueName: "cmd")) var test: String?
    @Option(help: ArgumentHelp("The setup command, run with the network.", valueName: "cmd")) var setup: String?
    @Option(help: ArgumentHelp("Model turns.", valueName: "n")) var maxTurns = 30
    @Option(help: ArgumentHelp("Most model spend for this round, in US dollars.", valueName: "usd")) var maxCost: Double?
    @Option(help: ArgumentHelp("Wall-clock limit: 90s, 20m, 1h.", valueName: "duration")) var timeout = "30m"
    @Option(help: ArgumentHelp("Test and command runs at once (default: the core count).", valueName: "n")) var jobs: Int?
    @Option(name: .customLong("ro"), help: ArgumentHelp("Another host path to bind read-only.", valueName: "path")) var readOnly: [String] = []
    @Flag(help: "Offer no tools: the model edits with SEARCH/REPLACE blocks only.") var noTools = false
    @Option(help: ArgumentHelp("Record every model request and reply to this file (JSON lines, secrets redacted).", valueName: "file")) var record: String?
    @Option(help: .sandbox) var sandbox: SandboxChoice = .bubblewrap
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs must be between 1 and 256.") }
        guard (1...500).contains(maxTurns) else { throw ValidationError("--max-turns must be between 1 and 500.") }
        guard FixCommand.duration(timeout) != nil else { throw ValidationError("--timeout takes a duration such as 90s, 20m or 1h.") }
        if let instructions, instructions.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--instructions is empty; leave it out to answer the review comments only.")
        }
    }

    func run() async throws {
        let context = try global.context()
        let request = try request(context)
        let service = try await FixWiring.service(context: context, sandbox: sandbox, readOnly: readOnly)
        let progress = ProgressLine("")
        let io = CommandIO.current
        let writer = FixProgressWriter(io: io)
        let outcome = try await service.revise(request, observer: FixObserver(
            started: { io.writeError(FixProgress.started($0) + "\n") },
            event: { step, kind, detail in writer.write(step, kind: kind, detail: detail) },
            fetch: { remote, counts in progress.update("fetching \(remote): \(counts)") }, fetched: { progress.finish() }))
        writer.end()
        context.print(json ? String(decoding: try JSONEncoder.pretty.encode(outcome), as: UTF8.self) : outcome.humanSummary)
        switch (outcome.result, outcome.engineer.outcome) {
        case (.revised, _): return
        case (_, .error): throw ExitCode(ExitStatus.error.rawValue)
        default: throw ExitCode(ExitStatus.negative.rawValue)
        }
    }

    /// The round these options ask for.
    func request(_ context: CommandContext) throws -> RevisionRequest {
        var request = RevisionRequest(pullRequest: try PullRequestReference(parsing: pr),
                                      model: try ModelSpec(parsing: model ?? context.configuration.models.defaultModel))
        request.instructions = instructions
        request.repository = repo
        request.limits.maxTurns = maxTurns
        if let jobs { request.limits.jobs = jobs }
        request.limits.maxCostUSD = maxCost
        request.limits.timeout = FixCommand.duration(timeout) ?? .seconds(1800)
        request.overrides = .init(setupCommand: setup, testCommand: test)
        request.usesTools = !noTools
        request.credentials = EdgeSecrets(context.environment).fixCredentials
        request.record = record.map { URL(fileURLWithPath: $0) }
        return request
    }
}
