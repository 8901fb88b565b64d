import FixloopCore
import FixloopFixService
import FixloopGit
import FixloopGitHub
import FixloopModels
import FixloopSandbox
import FixloopStore
import Foundation

/// Builds the process's one ``FixService`` from a command's context: the model wiring (one rate limiter per
/// provider, one spend keeper), the sandbox, the workspace pool, the ticket sources, GitHub as the code host,
/// and the run store. `fix`, `serve` and `demo` build it once and hand it requests.
enum FixWiring {
    /// - Throws: ``CommandError`` for a refused read-only path; the sandbox's, store's and model wiring's errors.
    /// - Parameters:
    ///   - runs: where runs and ticket branches are kept (`serve` passes its store's); nil: the configured store's.
    ///   - ledger: the spend ledger (`serve` passes its store's); nil: the configured store's (``StoreBackend``).
    ///   - plans: the planner's tickets, for `local:N` (`serve` passes its store's); nil: the configured store's.
    static func service(context: CommandContext, sandbox choice: SandboxChoice, readOnly: [String] = [], runs: (any RunStore)? = nil,
                        ledger: (any LedgerStore)? = nil, plans: (any StoredTicketReader)? = nil) async throws -> FixService {
        try context.state.prepare()
        let configuration = context.configuration
        let backend = runs == nil || ledger == nil || plans == nil ? try await StoreBackend.open(context) : nil
        let models = try await ModelWiring(context: context, ledger: ledger ?? backend?.ledger)
        let catalog = SandboxChoice.catalog()
        let githubAPI = GitHubWiring.apiURL(context)
        var settings = FixService.Settings(runsFolder: context.state.runs, git: configuration.git)
        settings.readOnlyPaths = try SandboxChoice.readOnlyPaths(readOnly, context: context)
        settings.secrets = EdgeSecrets(context.environment).models
        return FixService(
            models: models, sandbox: try await choice.make(context: context),
            testPolicy: try catalog.policy("test"), setupPolicy: try catalog.policy("setup"),
            workspaces: WorkspacePool(mirrors: MirrorCache(root: context.state.mirrors), root: context.state.workspaces,
                                      poolSize: configuration.git.workspacePoolSize, checkoutLimits: CheckoutLimits(configuration.git)),
            tickets: TicketSources(context: context, localTickets: plans ?? backend!.plans),
            codeHost: { token in GitHubCodeHost(client: GitHubClient(baseURL: githubAPI, token: token)) },
            runs: runs ?? backend!.runs, settings: settings, prompts: context.prompts)
    }
}

extension ModelWiring: FixModels {
    func refusal(for spec: ModelSpec, runLimitUSD: Double?) -> BudgetRefusal? {
        guard keeper.budgets.hasMoneyBudget || runLimitUSD != nil, keeper.price(for: spec) == nil else { return nil }
        return BudgetRefusal(budget: .unknownPrice, model: spec.description, limit: 0, spent: 0, estimate: 0)
    }

    func contextWindow(for spec: ModelSpec) -> Int {
        keeper.price(for: spec)?.contextWindow ?? PriceTable.defaultContextWindow
    }

    func cost(ofRun runID: String) async -> Double {
        (try? await ledger.totals(for: .run(runID)).costUSD) ?? 0
    }
}

extension TicketSources {
    /// The sources a command reads tickets from: `GITHUB_API_URL`, `LINEAR_API_URL`, the configured store's tickets.
    init(context: CommandContext, localTickets: any StoredTicketReader) {
        self.init(
            githubAPI: GitHubWiring.apiURL(context),
            linearAPI: context.environment["LINEAR_API_URL"].flatMap(URL.init(string:)) ?? URL(string: "https://api.linear.app/graphql")!,
            localTickets: localTickets, limits: context.configuration.engineer)
    }
}

/// Reads one ticket for a command (`localize`), with the edge's credentials.
struct TicketLoader {
    let context: CommandContext

    func load(_ reference: TicketReference) async throws -> Ticket {
        try context.state.prepare()
        let tickets = TicketSources(context: context, localTickets: try await StoreBackend.open(context).plans)
        return try await tickets.ticket(reference, credentials: EdgeSecrets(context.environment).fixCredentials)
    }
}
