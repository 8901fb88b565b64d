import FixloopCore
import FixloopEngineer
import FixloopGit
import FixloopPrompts
import FixloopSandbox
import FixloopVerify
import Foundation

/// The engineer as a service: built once per process with its adapters, then one call per ticket.
/// `fixloop fix`, the PR bot's workers and `fixloop demo` all run tickets through ``run(_:observer:)``.
///
/// The hops: read the ticket (``TicketSource``) → claim the run (``RunStore``) → a checkout from the pool →
/// a private scratch copy → the repository's settings → ``Engineer/fix(ticket:workspace:baseCommit:scratch:)``
/// → ``Delivery`` on the ``CodeHost``.
public struct FixService: Sendable {
    /// Process-wide settings.
    public struct Settings: Sendable {
        /// Where each run's folder (trajectory, report, patch) is made.
        public var runsFolder: URL
        /// Commit author, GitHub Enterprise hosts, credential attempts.
        public var git: GitSettings
        /// Paths every run binds read-only (`[sandbox] read_only`; the operator's, checked at the edge).
        public var readOnlyPaths: [String] = []
        /// The process's own secrets (model keys), redacted from every trajectory besides the request's.
        public var secrets: [Secret] = []

        public init(runsFolder: URL, git: GitSettings) {
            self.runsFolder = runsFolder
            self.git = git
        }
    }

    public let models: any FixModels
    public let sandbox: any Sandbox
    public let testPolicy: SandboxPolicy
    public let setupPolicy: SandboxPolicy
    public let workspaces: WorkspacePool
    public let tickets: any TicketSource
    /// The forge for a run's credentials (GitHub with the job's token).
    public let codeHost: @Sendable (_ token: Secret?) -> any CodeHost
    public let runs: any RunStore
    public let settings: Settings
    public let prompts: PromptLibrary
    /// Where revision rounds read their pull request; nil: ``tickets`` when it is one (``TicketSources`` is).
    public let pullRequests: (any PullRequestSource)?

    public init(
        models: any FixModels, sandbox: any Sandbox, testPolicy: SandboxPolicy, setupPolicy: SandboxPolicy, workspaces: WorkspacePool,
        tickets: any TicketSource, codeHost: @escaping @Sendable (Secret?) -> any CodeHost, runs: any RunStore, settings: Settings,
        prompts: PromptLibrary = PromptLibrary(), pullRequests: (any PullRequestSource)? = nil
    ) {
        self.pullRequests = pullRequests
        self.models = models
        self.sandbox = sandbox
        self.testPolicy = testPolicy
        self.setupPolicy = setupPolicy
        self.workspaces = workspaces
        self.tickets = tickets
        self.codeHost = codeHost
        self.runs = runs
        self.settings = settings
        self.prompts = prompts
    }

    /// Fixes one ticket: claims it, runs the engineer on a private copy of the checkout, delivers a verified change.
    /// - Returns: the outcome, also written to the run's `report.json`; "not fixed" and "not a bug" are outcomes.
    /// - Throws: ``FixServiceError`` (no repository, ticket busy, no test command), and the adapters' errors
    ///   (ticket source, git, sandbox, store) when the run could not be done.
    public func run(_ request: FixRequest, observer: FixObserver = FixObserver()) async throws -> FixOutcome {
        let reference = request.ticket.reference
        if let refusal = models.refusal(for: request.model, runLimitUSD: request.limits.maxCostUSD) {
            throw FixServiceError(code: "fix.budget_refused", message: refusal.description)
        }
        var ticket: Ticket
        switch request.ticket {
        case .ticket(let given, _): ticket = given
        case .reference(let reference): ticket = try await tickets.ticket(reference, credentials: request.credentials)
        }
        ticket.requestText = request.requestText ?? ticket.requestText
        guard let repositoryText = request.repository ?? ticket.repository else {
            throw FixServiceError(code: "fix.no_repository", message: "The ticket \(reference) names no repository; pass --repo URL|PATH.")
        }
        let remote = try RepositoryReference(parsing: repositoryText)
        let run = RunContext(id: Self.newRunID(), reference: reference, remote: remote, folder: settings.runsFolder)
        try FileManager.default.createDirectory(at: run.folder, withIntermediateDirectories: true)
        var follow: (@Sendable (Trajectory.Event) -> Void)?
        if let report = observer.event { follow = { event in report(event.step, event.kind, event.detail) } }
        let trajectory = Trajectory(file: run.folder.appendingPathComponent("trajectory.jsonl"),
                                    secrets: settings.secrets + request.credentials.all, observer: follow, milestones: observer.milestone)
        if let holder = try await runs.start(RunRecord(id: run.id, ticket: reference.description, repository: remote.url,
                                                 host: ProcessInfo.processInfo.hostName, pid: getpid())) {
            throw FixServiceError(code: "fix.ticket_busy", message: "The ticket \(reference) is being fixed by run \(holder.id) (process \(holder.pid)); wait for it to finish or stop that process.")
        }
        observer.started?(run.id)
        do {
            // The branch is fixed when the ticket is first taken: a later title never makes a new branch or pull request.
            let branch = try await runs.branch(ticket: reference.description, repository: branchRepository(request, remote: remote, reference: reference),
                                         proposed: BranchName.make(for: reference, title: ticket.title))
            await trajectory.record(.run, "start", "ticket \(reference) on \(remote)")
            var outcome = try await fix(ticket, request: request, run: run, branch: branch, trajectory: trajectory, observer: observer)
            outcome.costUSD = await models.cost(ofRun: run.id)
            outcome.costPriced = isPriced(request.model)
            try Data(try JSONEncoder.pretty.encode(outcome)).write(to: run.folder.appendingPathComponent("report.json"))
            await trajectory.record(.run, "end", "\(outcome.engineer.outcome.rawValue): \(outcome.engineer.reason)")
            try await runs.finish(run.id, status: outcome.status, branch: outcome.branch, prURL: outcome.prURL, reason: outcome.engineer.reason)
            return outcome
        } catch {
            try? await runs.finish(run.id, status: .error, branch: nil, prURL: nil, reason: "\(error)")
            await trajectory.record(.run, "error", "\(error)")
            throw error
        }
    }

    /// Whether `spec` has a price (or is free): a run limit makes ``FixModels/refusal(for:runLimitUSD:)`` refuse
    /// exactly the models without one.
    func isPriced(_ spec: ModelSpec) -> Bool {
        models.refusal(for: spec, runLimitUSD: 0) == nil
    }

    /// One run's identity and folder.
    struct RunContext {
        let id: String
        let reference: TicketReference
        let remote: RepositoryReference
        let folder: URL

        init(id: String, reference: TicketReference, remote: RepositoryReference, folder runsFolder: URL) {
            self.id = id
            self.reference = reference
            self.remote = remote
            folder = runsFolder.appendingPathComponent(id, isDirectory: true)
        }
    }

    private func fix(
        _ ticket: Ticket, request: FixRequest, run: RunContext, branch: String, trajectory: Trajectory, observer: FixObserver
    ) async throws -> FixOutcome {
        let model = try models.client(
            for: request.model,
            attribution: CallAttribution(runID: run.id, ticketID: run.reference.description, repository: run.remote.url,
                                         runLimitUSD: request.limits.maxCostUSD),
            record: request.record)
        let credentials = GitCredentials.choose(for: run.remote, token: request.credentials.github, settings: settings.git)
        var fetch: GitProgressHandler?
        if let report = observer.fetch {
            let remote = run.remote.description
            fetch = { progress in report(remote, progress.summary) }
        }
        return try await workspaces.withWorkspace(remote: run.remote, at: request.commit ?? ticket.commit, credentials: credentials,
                                                  progress: fetch) { workspace in
            observer.fetched?()
            return try await ScratchWorkspace.withFolder(label: "run") { scratch in
                let base = scratch.appendingPathComponent("base", isDirectory: true)
                try FileManager.default.copyItem(at: workspace.directory, to: base)
                try ScratchWorkspace.makePrivate(base)
                var overrides = request.overrides
                overrides.readOnlyPaths += settings.readOnlyPaths
                let repository = RepositorySettings.resolve(in: base, overrides: overrides, fileSettings: try RepositoryFile.read(in: base))
                guard let testCommand = repository.testCommand else {
                    throw FixServiceError(code: "fix.no_test_command", message: "No test command for \(run.remote): pass --test, or add test = \"…\" to the repository's .fixloop.toml.")
                }
                let engineer = engineer(model: model, request: request, repository: repository, testCommand: testCommand, trajectory: trajectory)
                let (report, candidate) = try await engineer.fix(ticket: ticket, workspace: base, baseCommit: workspace.baseCommit, scratch: scratch)
                var outcome = FixOutcome(engineer: report, runID: run.id, ticket: run.reference.description, trajectory: trajectory.file?.path ?? "")
                guard let candidate else { return outcome }
                let delivery = Delivery(codeHost: codeHost(request.credentials.github),
                                        author: GitSignature(name: settings.git.authorName, email: settings.git.authorEmail),
                                        prompts: prompts, trajectory: trajectory)
                let delivered = try await delivery.deliver(candidate, report: report, to: Delivery.Target(
                    ticket: ticket, reference: run.reference, remote: run.remote, branch: branch, baseCommit: workspace.baseCommit,
                    testCommand: testCommand, credentials: credentials, runID: run.id, runDirectory: run.folder,
                    costUSD: await models.cost(ofRun: run.id), costPriced: isPriced(request.model), model: request.model,
                    requester: request.requester),
                    mode: request.delivery)
                outcome.patchFile = delivered.patchFile
                outcome.branch = delivered.branch ?? branch
                outcome.prURL = delivered.pullRequest?.url
                return outcome
            }
        }
    }

    func engineer(
        model: any ModelClient, request: FixRequest, repository: RepositorySettings, testCommand: String, trajectory: Trajectory
    ) -> Engineer {
        var settings = EngineerSettings()
        settings.maxTurns = request.limits.maxTurns
        settings.candidates = request.limits.candidates
        settings.jobs = request.limits.jobs
        settings.firstFixWins = request.limits.firstFixWins
        settings.baselineRuns = request.limits.baselineRuns
        settings.contextTokens = models.contextWindow(for: request.model)
        settings.force = request.force
        settings.timeout = request.limits.timeout
        settings.policy = DiffPolicy(maxChangedLines: repository.maxChangedLines,
                                     protectedPaths: DiffPolicy.defaultProtectedPaths + repository.protectedPaths)
        let tests = SandboxedTests(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy,
                                   testCommand: testCommand, readOnlyPaths: repository.readOnlyPaths)
        return Engineer(
            model: model, tests: tests, verifier: PatchVerifier(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy),
            prompts: prompts, settings: settings, trajectory: trajectory, usesTools: request.usesTools,
            setupCommand: repository.setupCommand)
    }

    /// Where the ticket's branch is kept: the pull request's `OWNER/NAME`, else the remote's URL.
    private func branchRepository(_ request: FixRequest, remote: RepositoryReference, reference: TicketReference) -> String {
        var named: String?
        if case .pullRequest(let repository, _) = request.delivery { named = repository }
        return Delivery.pullRequestRepository(named, remote: remote, reference: reference).map { "\($0.owner)/\($0.name)" } ?? remote.url
    }

    /// `run-YYYYMMDD-HHMMSS-xxxx`, in UTC.
    public static func newRunID() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return "run-\(formatter.string(from: Date()))-\(UUID().uuidString.prefix(4).lowercased())"
    }
}
