import FixloopConfig
import FixloopCore
import FixloopModels
import FixloopStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The model adapters of one command, built from its context: endpoints from the environment, the shared
/// limiter, the ledger in the state directory and the spend keeper. The only place they are wired together.
struct ModelWiring: Sendable {
    let factory: ModelClientFactory
    let keeper: SpendKeeper
    let state: StateDirectory
    /// The spend ledger, for the cost of a run.
    let ledger: any LedgerStore

    /// Builds the wiring.
    /// - Throws: ``ModelError`` for a bad base URL; ``StoreError`` when the ledger cannot be opened.
    /// - Parameter ledger: the ledger to spend against (`serve` passes its store's); nil: the configured store's
    ///   (``StoreBackend``: the SQLite file, or PostgreSQL with `[store] url`, so every machine spends against one budget).
    init(context: CommandContext, ledger: (any LedgerStore)? = nil) async throws {
        let configuration = context.configuration
        factory = ModelClientFactory(
            endpoints: try Self.endpoints(context),
            settings: configuration.models,
            limiter: RateLimiter(limits: configuration.rateLimits),
            session: Self.session)
        state = context.state
        try context.state.prepare()
        if let ledger {
            self.ledger = ledger
        } else {
            self.ledger = try await StoreBackend.open(context).ledger
        }
        keeper = SpendKeeper(ledger: self.ledger, prices: configuration.prices, budgets: configuration.budgets)
    }

    /// One session for every model client of the process, allowing as many connections to a provider as the
    /// scorer's graders may hold (URLSession's default of 6 would quietly cap `[scorer] concurrency`).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.default
        configuration.httpMaximumConnectionsPerHost = 64
        return URLSession(configuration: configuration)
    }()

    /// The endpoints: base URLs from the environment, keys from ``EdgeSecrets``.
    static func endpoints(_ context: CommandContext) throws -> ModelEndpoints {
        try endpoints(environment: context.environment)
    }

    /// The endpoints of an environment (`fixloop doctor` checks them without opening the ledger).
    static func endpoints(environment: [String: String]) throws -> ModelEndpoints {
        let secrets = EdgeSecrets(environment)
        return try ModelEndpoints(openAIBaseURL: environment["OPENAI_BASE_URL"], openAIKey: secrets.openAI,
                                  anthropicBaseURL: environment["ANTHROPIC_BASE_URL"], anthropicKey: secrets.anthropic)
    }

    /// The client a run uses: `spec`'s client, recorded to `record` when given, logged (redacted) to the run's
    /// `runs/<run>/model-calls.jsonl` unless `models.log_requests` is off, and under the budgets.
    /// - Throws: ``ModelError`` when the spec cannot be served or a file cannot be created.
    func client(for spec: ModelSpec, attribution: CallAttribution, record: URL?) throws -> any ModelClient {
        var client = try factory.client(for: spec)
        let secrets = factory.endpoints.secrets
        if let record {
            client = RecordingModelClient(wrapping: client, recorder: try ModelTranscriptRecorder(url: record, secrets: secrets))
        }
        if factory.settings.logRequests {
            let log = state.runs.appendingPathComponent(Self.safeName(attribution.runID), isDirectory: true)
                .appendingPathComponent("model-calls.jsonl")
            client = RecordingModelClient(
                wrapping: client, recorder: try ModelTranscriptRecorder(url: log, secrets: secrets, appending: true))
        }
        return BudgetedModelClient(wrapping: client, keeper: keeper, attribution: attribution)
    }

    private static func safeName(_ text: String) -> String {
        let safe = String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        return safe.isEmpty ? "run" : safe
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
