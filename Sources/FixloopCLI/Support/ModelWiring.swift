import FixloopConfig
import FixloopCore
import FixloopModels
import FixloopStore
import Foundation

/// The model adapters of one command, built from its context: endpoints from the environment, the shared
/// limiter, the ledger in the state directory and the spend keeper. The only place they are wired together.
struct ModelWiring {
    let factory: ModelClientFactory
    let keeper: SpendKeeper

    /// Builds the wiring.
    /// - Throws: ``ModelError`` for a bad base URL; ``StoreError`` when the ledger cannot be opened.
    init(context: CommandContext) throws {
        let configuration = context.configuration
        factory = ModelClientFactory(
            endpoints: try ModelEndpoints(environment: context.environment),
            settings: configuration.models,
            limiter: RateLimiter(limits: configuration.rateLimits))
        try context.state.prepare()
        let ledger = SQLiteLedgerStore(database: try FixloopDatabase(url: context.state.database))
        keeper = SpendKeeper(ledger: ledger, prices: configuration.prices, budgets: configuration.budgets)
    }

    /// `client` under the budgets, charged to `attribution`.
    func budgeted(_ client: any ModelClient, attribution: CallAttribution) throws -> any ModelClient {
        BudgetedModelClient(wrapping: client, keeper: keeper, attribution: attribution)
    }

    /// The base URL a spec's client uses, for reports.
    func baseURL(for spec: ModelSpec) -> String? {
        switch spec.provider {
        case .openai: return factory.endpoints.openAI.baseURLText
        case .anthropic: return factory.endpoints.anthropic.baseURLText
        case .replay: return nil
        }
    }
}
