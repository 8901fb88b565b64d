/// How Fixloop talks to models; the `[models]` table of `fixloop.toml`.
public struct ModelSettings: Sendable, Equatable {
    /// The model used when a command is not given `--model`.
    public var defaultModel: String = "anthropic:claude-sonnet-4-5"
    /// How long one HTTP attempt may take before it counts as a timeout.
    public var timeoutSeconds: Int = 120
    /// Attempts per call, the first included, before a retryable failure is given up.
    public var maxAttempts: Int = 5
    /// The first retry's delay; each later one doubles, with jitter.
    public var initialBackoffMilliseconds: Int = 500
    /// The longest delay between attempts, `Retry-After` included.
    public var maxBackoffSeconds: Int = 60
    /// The answer's token limit when a caller does not set one.
    public var maxOutputTokens: Int = 4096
    /// Whether requests and replies go to the run's trajectory (always redacted).
    public var logRequests: Bool = true

    public init() {}
}

/// The price of one model in US dollars per million tokens; one entry of the `[prices]` table.
public struct ModelPrice: Sendable, Equatable, Codable {
    /// Dollars per million input tokens.
    public var inputPerMillion: Double
    /// Dollars per million output tokens.
    public var outputPerMillion: Double
    /// Dollars per million cached input tokens (defaults to the input price).
    public var cachedPerMillion: Double
    /// Dollars per million input tokens written to the prompt cache, where the provider charges for writes
    /// (Anthropic: 1.25× input for the five-minute cache); nil: the input price.
    public var cacheWritePerMillion: Double?
    /// True for models that cost nothing (local ones); they pass money budgets without a price.
    public var free: Bool
    /// Dollars per million input tokens through the provider's batch API, when known.
    public var batchInputPerMillion: Double?
    /// Dollars per million output tokens through the provider's batch API, when known.
    public var batchOutputPerMillion: Double?
    /// Tokens the model takes in one request (its context window), when known.
    public var contextWindow: Int?

    /// Makes a price.
    public init(inputPerMillion: Double, outputPerMillion: Double, cachedPerMillion: Double? = nil, free: Bool = false,
                batchInputPerMillion: Double? = nil, batchOutputPerMillion: Double? = nil, cacheWritePerMillion: Double? = nil,
                contextWindow: Int? = nil) {
        self.inputPerMillion = inputPerMillion
        self.cacheWritePerMillion = cacheWritePerMillion
        self.outputPerMillion = outputPerMillion
        self.cachedPerMillion = cachedPerMillion ?? inputPerMillion
        self.free = free
        self.batchInputPerMillion = batchInputPerMillion
        self.batchOutputPerMillion = batchOutputPerMillion
        self.contextWindow = contextWindow
    }

    /// A model that costs nothing.
    public static let free = ModelPrice(inputPerMillion: 0, outputPerMillion: 0, cachedPerMillion: 0, free: true)

    /// The cost of `usage` in US dollars.
    public func cost(of usage: TokenUsage) -> Double {
        if free { return 0 }
        return (Double(usage.inputTokens) * inputPerMillion + Double(usage.outputTokens) * outputPerMillion
            + Double(usage.cachedInputTokens) * cachedPerMillion
            + Double(usage.cacheWriteInputTokens) * (cacheWritePerMillion ?? inputPerMillion)) / 1_000_000
    }

    /// What the prompt cache saved on `usage` in US dollars: cached tokens at the input price less what they and
    /// the cache writes cost (negative when writes were never read back).
    public func cacheSavings(of usage: TokenUsage) -> Double {
        if free { return 0 }
        let reads = Double(usage.cachedInputTokens) * (inputPerMillion - cachedPerMillion)
        let writes = Double(usage.cacheWriteInputTokens) * ((cacheWritePerMillion ?? inputPerMillion) - inputPerMillion)
        return (reads - writes) / 1_000_000
    }
}

/// Prices by model, keyed by spec (`"openai:gpt-4o-mini"`) or bare model name: the shipped list
/// (`prices/prices.toml`) with the `[prices]` table of `fixloop.toml` over it.
public struct PriceTable: Sendable, Equatable {
    /// The entries, shipped and configured.
    public var entries: [String: ModelPrice]
    /// The day the shipped prices were read from the providers (`YYYY-MM-DD`); nil when none ship.
    public var date: String?
    /// Where the shipped prices were read.
    public var sources: [String]
    /// The keys whose entry comes from `[prices]` in `fixloop.toml` rather than the shipped list.
    public var configured: Set<String>

    /// Makes a table.
    public init(_ entries: [String: ModelPrice] = [:], date: String? = nil, sources: [String] = [], configured: Set<String> = []) {
        self.entries = entries
        self.date = date
        self.sources = sources
        self.configured = configured
    }

    /// This table with `overrides` (the `[prices]` table) put over its entries, each replacing the whole entry.
    public func overridden(by overrides: [String: ModelPrice]) -> PriceTable {
        var table = self
        for (key, price) in overrides {
            table.entries[key] = price
            table.configured.insert(key)
        }
        return table
    }

    /// The `fixloop.toml` lines that price `spec`, with placeholders for the dollars.
    public static func configurationLines(for spec: String) -> [String] {
        ["[prices.\"\(spec)\"]", "input = 0.00   # dollars per million input tokens", "output = 0.00  # dollars per million output tokens",
         "cached = 0.00  # optional: cached input tokens"]
    }

    /// The context window assumed for a model whose entry gives none: small enough for today's common models.
    public static let defaultContextWindow = 128_000

    /// `spec`'s context window in tokens: its entry's `context_window`, else ``defaultContextWindow``.
    public func contextWindow(for spec: ModelSpec) -> Int {
        price(for: spec)?.contextWindow ?? Self.defaultContextWindow
    }

    /// The price for `spec`: the entry for the whole spec first, then for the bare model name.
    /// - Returns: nil when the model has no known price.
    public func price(for spec: ModelSpec) -> ModelPrice? {
        entries[spec.description] ?? entries[spec.name]
    }
}

/// Spending caps in US dollars and tokens; the `[budgets]` table. A nil cap is no cap.
public struct BudgetSettings: Sendable, Equatable {
    /// Dollars one run may spend.
    public var perRunUSD: Double?
    /// Dollars all runs for one ticket may spend.
    public var perTicketUSD: Double?
    /// Dollars the whole process may spend in one UTC day (every run, every ticket).
    public var perDayUSD: Double?
    /// Tokens one run may use.
    public var perRunTokens: Int?

    /// Makes budgets; nil leaves a cap off.
    public init(perRunUSD: Double? = nil, perTicketUSD: Double? = nil, perDayUSD: Double? = nil, perRunTokens: Int? = nil) {
        self.perRunUSD = perRunUSD
        self.perTicketUSD = perTicketUSD
        self.perDayUSD = perDayUSD
        self.perRunTokens = perRunTokens
    }

    /// The caps `fixloop init` writes into a new `fixloop.toml`: $5 a run and $25 a UTC day. Without a config
    /// file no cap applies (only `--max-cost`); raise or delete the lines to lift them.
    public static let recommended = BudgetSettings(perRunUSD: 5, perDayUSD: 25)

    /// True when any dollar cap is set, so models with no price are refused.
    public var hasMoneyBudget: Bool { perRunUSD != nil || perTicketUSD != nil || perDayUSD != nil }
}

/// Requests and tokens per minute for one provider or model; an entry of the `[rate_limits]` table.
public struct RateLimit: Sendable, Equatable {
    /// Requests allowed per minute, or nil for no configured limit.
    public var requestsPerMinute: Int?
    /// Tokens (input + output) allowed per minute, or nil for no configured limit.
    public var tokensPerMinute: Int?

    /// Makes a limit; nil leaves that dimension unlimited.
    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }
}

/// Rate limits keyed by spec (`"openai:gpt-4o"`) or provider (`"openai"`).
public struct RateLimitTable: Sendable, Equatable {
    /// The entries as configured.
    public var entries: [String: RateLimit]

    /// Makes a table.
    public init(_ entries: [String: RateLimit] = [:]) { self.entries = entries }

    /// The limit for `spec`: the whole spec first, then the provider.
    public func limit(for spec: ModelSpec) -> RateLimit? {
        entries[spec.description] ?? entries[spec.provider.rawValue]
    }
}
