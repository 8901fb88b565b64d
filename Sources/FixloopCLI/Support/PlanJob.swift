import FixloopCore
import FixloopGit
import FixloopLinear
import FixloopPlanner
import FixloopPrompts
import FixloopStore
import Foundation
import Synchronization

/// One planner run as typed values: what `fixloop plan` asks for, and what the demo's planner stage runs.
struct PlanJob {
    /// Plan the sessions since (nil: all) and before `until`.
    var since: Date?
    var until: Date
    var sink: PlanCommand.Sink = .local
    /// The repository searched for suspected code: a URL or a local path.
    var repo: String?
    /// The GitHub repository for the `github` sink (default: `repo`'s).
    var issuesRepo: String?
    /// The Linear team key for the `linear` sink (default: the first team).
    var team: String?
    var linearLabelIDs: [String] = []
    /// The model that names and classifies patterns; nil: the rules.
    var model: ModelSpec?
    var ticketSessions: Int?
    var ticketShare: Double?
    var flagSessions: Int?
    var dryRun = false
    var record: URL?
    /// Whether each stage is told on standard error (`plan: …` lines; a live line for the model's calls).
    var showsProgress = false

    init(until: Date) { self.until = until }

    /// Plans, files and saves. - Returns: the report and how many scored sessions the period had.
    func run(context: CommandContext) async throws -> (report: PlanReport, sessions: Int) {
        try context.state.prepare()
        let backend = try await StoreBackend.open(context)
        let store = backend.plans
        let sessions = try await store.scoredSessions(since: since, until: until)
        let period = "\(since.map(PlanReport.day) ?? "start") → \(PlanReport.day(until))"
        let say = showsProgress ? { (line: String) in CommandIO.current.writeError("plan: \(line)\n") } : { _ in }
        say("\(sessions.count) scored sessions, \(period)")
        let calls = showsProgress && model != nil ? ProgressLine("plan: model") : nil
        var namer: (any PlannerModel)?
        if let spec = model {
            let inner = try await plannerModel(spec, context: context)
            namer = calls.map { calls in
                CountingPlannerModel(inner: inner) { calls.update("\($0) call\($0 == 1 ? "" : "s") to \(spec) to name and classify the patterns") }
            } ?? inner
        }
        if let repo { say("searching \(repo) for the code each pattern points at") }
        let plan = try await withCodebase(context) { codebase in
            try await Planner(settings: settings(context.configuration.planner), model: namer, library: context.prompts, codebase: codebase)
                .plan(sessions: sessions, since: since, until: until)
        }
        calls?.finish()
        let ticketSink = try await makeSink(context, store: store)
        say("\(plan.patterns.count) patterns; \(dryRun ? "looking up" : "filing") tickets in \(ticketSink.name)")
        let result = try await TicketFiler(sink: ticketSink, records: store).file(
            plan, period: period, repository: repo.flatMap { try? RepositoryReference(parsing: $0).url }, dryRun: dryRun)
        if !dryRun {
            try await store.savePlan(result, sink: ticketSink.name)
            // The healing loop: merged fixes measured against this data, new verdicts said.
            let loop = HealingLoop.make(context, backend: backend)
            let healing = try await loop.run()
            for line in healing.announced + healing.notes { say("outcome: \(line)") }
        }
        return (PlanReport(plan: result, sink: ticketSink.name, dryRun: dryRun), sessions.count)
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

    private func makeSink(_ context: CommandContext, store: any PlanStore) async throws -> any TicketSink {
        switch sink {
        case .local:
            return LocalTicketSink(store: store)
        case .github:
            let text = issuesRepo ?? repo ?? ""
            let ownerAndName = (try? RepositoryReference(parsing: text))?.ownerAndName
                ?? PlanCommand.ownerAndName(text)
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

    private func plannerModel(_ spec: ModelSpec, context: CommandContext) async throws -> any PlannerModel {
        let wiring = try await ModelWiring(context: context)
        let runID = "plan-" + String(UUID().uuidString.prefix(8)).lowercased()
        let client = try wiring.client(for: spec, attribution: CallAttribution(runID: runID), record: record)
        return ModelClientPlannerModel(client: client, maxOutputTokens: context.configuration.models.maxOutputTokens)
    }
}

/// A planner model that counts its calls, for the progress line.
private final class CountingPlannerModel: PlannerModel {
    let inner: any PlannerModel
    let calls = Mutex(0)
    let report: @Sendable (Int) -> Void

    init(inner: any PlannerModel, report: @escaping @Sendable (Int) -> Void) {
        self.inner = inner
        self.report = report
    }

    var name: String { inner.name }

    func complete(prompt: String) async throws -> String {
        let reply = try await inner.complete(prompt: prompt)
        report(calls.withLock { count in
            count += 1
            return count
        })
        return reply
    }
}
