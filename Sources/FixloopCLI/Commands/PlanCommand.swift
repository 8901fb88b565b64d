import ArgumentParser
import FixloopCore
import FixloopGit
import FixloopLinear
import FixloopPlanner
import FixloopPrompts
import FixloopStore
import Foundation

/// `fixloop plan`: group the period's failures into patterns, decide, and file tickets and flags.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Group the period's failures into patterns; file tickets and flags.")

    enum Sink: String, ExpressibleByArgument, CaseIterable { case local, github, linear }

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Plan sessions since: 30m, 24h, 7d, 2w, a date (2025-06-01), or all.", valueName: "period"))
    var since = "7d"

    @Option(help: ArgumentHelp("Plan sessions before this date (default: now).", valueName: "date"))
    var until: String?

    @Option(help: "Where tickets go: local (the store), github or linear.")
    var sink: Sink = .local

    @Option(help: ArgumentHelp("The repository to search for suspected code: a URL or a local path.", valueName: "repo"))
    var repo: String?

    @Option(name: .customLong("issues-repo"), help: ArgumentHelp("The GitHub repository for --sink github (default: --repo's).", valueName: "owner/name"))
    var issuesRepo: String?

    @Option(help: ArgumentHelp("The Linear team key for --sink linear (default: the first team).", valueName: "key"))
    var team: String?

    @Option(name: .customLong("linear-label-id"), help: ArgumentHelp("A Linear label id to put on new issues (repeatable).", valueName: "id"))
    var linearLabelIDs: [String] = []

    @Option(help: ArgumentHelp("The model that names and classifies patterns (openai:MODEL, anthropic:MODEL, replay:FILE), or none for rules.", valueName: "spec"))
    var model = "none"

    @Option(name: .customLong("ticket-sessions"), help: "Sessions from which a pattern gets a ticket (default: [planner] ticket_sessions, 40).")
    var ticketSessions: Int?

    @Option(name: .customLong("ticket-share"), help: "Share of its route's sessions (0–1) from which a pattern gets a ticket (default: [planner] ticket_share, 0.25).")
    var ticketShare: Double?

    @Option(name: .customLong("flag-sessions"), help: "Sessions from which a pattern gets a flag (default: [planner] flag_sessions, 2).")
    var flagSessions: Int?

    @Flag(name: .customLong("dry-run"), help: "Plan and look up tickets, but change nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.") var json = false

    @Option(help: ArgumentHelp("Record every model request and reply to this file (JSON lines, secrets redacted).", valueName: "file"))
    var record: String?

    func run() async throws {
        let context = try global.context()
        let now = Date()
        let start = since.lowercased() == "all" ? nil : try SpendCommand.startDate(since, now: now)
        let end = try until.map { try SpendCommand.startDate($0, now: now) } ?? now
        try context.state.prepare()
        let database = try FixloopDatabase(url: context.state.database)
        let store = SQLitePlanStore(database: database)
        let sessions = try await store.scoredSessions(since: start, until: end)
        let plannerModel: (any PlannerModel)? = try model.lowercased() == "none" ? nil : plannerModel(context)
        let plan = try await withCodebase(context) { codebase in
            try await Planner(settings: settings(context.configuration.planner), model: plannerModel, library: PromptLibrary(), codebase: codebase)
                .plan(sessions: sessions, since: start, until: end)
        }
        let ticketSink = try await makeSink(context, store: store)
        let period = "\(start.map(PlanReport.day) ?? "start") → \(PlanReport.day(end))"
        let result = try await TicketFiler(sink: ticketSink, records: store).file(plan, period: period, repository: repo.flatMap { try? RepositoryReference(parsing: $0).url }, dryRun: dryRun)
        if !dryRun { try await store.savePlan(result, sink: ticketSink.name) }
        let report = PlanReport(plan: result, sink: ticketSink.name, dryRun: dryRun)
        context.print(json ? try report.jsonText() : report.text())
        if sessions.isEmpty, !json {
            context.print("no scored sessions in the period; score an export first (fixloop score --import FILE) or widen --since (e.g. --since all)")
        }
    }

    /// The configured thresholds with the command line's on top.
    func settings(_ configured: PlannerSettings) throws -> PlannerSettings {
        var settings = configured
        settings.ticketSessions = ticketSessions ?? settings.ticketSessions
        settings.ticketShare = ticketShare ?? settings.ticketShare
        settings.flagSessions = flagSessions ?? settings.flagSessions
        guard settings.ticketSessions > 0, settings.flagSessions > 0, (0...1).contains(settings.ticketShare) else {
            throw CommandError(code: "plan.invalid_threshold", message: "The thresholds must be positive and --ticket-share between 0 and 1; fix the options.")
        }
        return settings
    }

    /// Runs `body` with a search over `--repo`: a git repository through a workspace from the pool, a plain
    /// folder as it is, nothing without `--repo`.
    private func withCodebase<T: Sendable>(_ context: CommandContext, _ body: (CodebaseSearch?) async throws -> T) async throws -> T {
        guard let repo else { return try await body(nil) }
        let remote = try RepositoryReference(parsing: repo)
        var isDirectory: ObjCBool = false
        if remote.transport == .local, FileManager.default.fileExists(atPath: remote.path, isDirectory: &isDirectory), isDirectory.boolValue,
           !FileManager.default.fileExists(atPath: remote.path + "/.git") {
            return try await body(CodebaseSearch(root: URL(fileURLWithPath: remote.path)))
        }
        let pool = WorkspacePool(mirrors: MirrorCache(root: context.state.mirrors), root: context.state.workspaces,
                                 poolSize: context.configuration.git.workspacePoolSize, checkoutLimits: CheckoutLimits(context.configuration.git))
        return try await pool.withWorkspace(remote: remote, credentials: GitCredentialChoice.credentials(for: remote, context: context)) { workspace in
            try await body(CodebaseSearch(root: workspace.directory))
        }
    }

    private func makeSink(_ context: CommandContext, store: SQLitePlanStore) async throws -> any TicketSink {
        switch sink {
        case .local:
            return LocalTicketSink(store: store)
        case .github:
            let text = issuesRepo ?? repo ?? ""
            let ownerAndName = (try? RepositoryReference(parsing: text))?.ownerAndName
                ?? Self.ownerAndName(text)
            guard let (owner, name) = ownerAndName else {
                throw CommandError(code: "plan.no_issues_repo", message: "--sink github needs the repository for the issues; pass --issues-repo OWNER/NAME or a GitHub --repo.")
            }
            return GitHubTicketSink(client: GitHubWiring.client(context), owner: owner, repository: name)
        case .linear:
            guard let key = EdgeSecrets(context.environment).linear else {
                throw CommandError(code: "plan.no_linear_key", message: "--sink linear needs LINEAR_API_KEY; set it in the environment.")
            }
            let endpoint = context.environment["LINEAR_API_URL"].flatMap(URL.init(string:)) ?? URL(string: "https://api.linear.app/graphql")!
            let client = LinearClient(endpoint: endpoint, apiKey: key)
            let teams = try await client.teams()
            guard let chosen = team.map({ key in teams.first { $0.key.lowercased() == key.lowercased() } }) ?? teams.first else {
                throw CommandError(code: "plan.no_linear_team", message: "Linear has no team \(team ?? "at all") for this key; pass --team with one of \(teams.map(\.key).joined(separator: ", ")).")
            }
            return LinearTicketSink(client: client, team: chosen, labelIDs: linearLabelIDs)
        }
    }

    /// `owner/name` written bare.
    static func ownerAndName(_ text: String) -> (String, String)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, !text.contains(":") else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    private func plannerModel(_ context: CommandContext) throws -> any PlannerModel {
        let spec = try ModelSpec(parsing: model)
        let wiring = try ModelWiring(context: context)
        let runID = "plan-" + String(UUID().uuidString.prefix(8)).lowercased()
        let client = try wiring.client(for: spec, attribution: CallAttribution(runID: runID), record: record.map { URL(fileURLWithPath: $0) })
        return ModelClientPlannerModel(client: client, maxOutputTokens: context.configuration.models.maxOutputTokens)
    }
}
