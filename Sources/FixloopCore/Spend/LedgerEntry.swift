import Foundation

/// Who a model call is charged to: the run, its ticket and its repository.
public struct CallAttribution: Sendable, Hashable, Codable {
    /// The run id.
    public var runID: String
    /// The ticket id, when the run works on one.
    public var ticketID: String?
    /// The repository (`owner/name` or its URL), when there is one.
    public var repository: String?
    /// This run's own money cap (`fixloop fix --max-cost`), in place of `[budgets] per_run_usd`.
    public var runLimitUSD: Double?

    /// Makes an attribution.
    public init(runID: String, ticketID: String? = nil, repository: String? = nil, runLimitUSD: Double? = nil) {
        self.runID = runID
        self.ticketID = ticketID
        self.repository = repository
        self.runLimitUSD = runLimitUSD
    }
}

/// One model call as the spend ledger keeps it.
public struct LedgerEntry: Sendable, Hashable, Codable {
    /// When the call finished.
    public var date: Date
    /// Who it is charged to.
    public var attribution: CallAttribution
    /// The model spec (`openai:gpt-4o-mini`).
    public var model: String
    /// Tokens used.
    public var usage: TokenUsage
    /// Dollars, or nil when the model has no known price.
    public var costUSD: Double?
    /// Wall time of the call including retries, in milliseconds.
    public var latencyMilliseconds: Int

    /// Makes an entry.
    public init(date: Date, attribution: CallAttribution, model: String, usage: TokenUsage, costUSD: Double?, latencyMilliseconds: Int) {
        self.date = date
        self.attribution = attribution
        self.model = model
        self.usage = usage
        self.costUSD = costUSD
        self.latencyMilliseconds = latencyMilliseconds
    }

    /// The UTC day, `yyyy-MM-dd`, that per-day budgets and reports group by.
    public var day: String { Self.utcDay(of: date) }

    /// The UTC day of `date` as `yyyy-MM-dd`.
    public static func utcDay(of date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

/// What the ledger sums for a budget check.
public enum LedgerScope: Sendable, Hashable {
    case run(String)
    case ticket(String)
    case day(String)
}

/// How `fixloop spend` groups the ledger.
public enum LedgerGrouping: String, Sendable, Hashable, CaseIterable, Codable {
    case run, ticket, repo, day, model
}

/// One line of a spend report.
public struct LedgerSummary: Sendable, Hashable, Codable {
    /// The group's key (run id, ticket, repository, day or model); `-` when the calls had none.
    public var key: String
    /// Calls in the group.
    public var calls: Int
    /// Tokens used.
    public var usage: TokenUsage
    /// Dollars spent on priced calls.
    public var costUSD: Double
    /// Calls whose model had no price (their cost is not in `costUSD`).
    public var unpricedCalls: Int

    /// Makes a summary line.
    public init(key: String, calls: Int, usage: TokenUsage, costUSD: Double, unpricedCalls: Int) {
        self.key = key
        self.calls = calls
        self.usage = usage
        self.costUSD = costUSD
        self.unpricedCalls = unpricedCalls
    }
}

/// Where model calls are recorded and summed, and where calls in flight hold their worst case; SQLite today,
/// PostgreSQL later.
///
/// The budget check and the hold are one store operation in one transaction, counting the recorded calls plus the
/// live holds of every process that shares the store, so processes (or machines) cannot together cross a cap.
public protocol LedgerStore: Sendable {
    /// Records one finished call.
    func record(_ entry: LedgerEntry) async throws
    /// In one transaction: drops the holds expired at `hold.madeAt`, checks `hold` against every check (recorded
    /// spend plus live holds of its scope, plus the hold) and stores it when all pass.
    func reserve(_ hold: LedgerHold, checks: [BudgetCheck]) async throws -> ReserveResult
    /// In one transaction: records `entry` and drops the hold `holdID` (a hold already expired is no error).
    func settle(_ holdID: UUID, recording entry: LedgerEntry) async throws
    /// Drops the hold `holdID` of a call that failed or was not made.
    func release(_ holdID: UUID) async throws
    /// Dollars and tokens recorded for `scope` (finished calls only, not holds).
    func totals(for scope: LedgerScope) async throws -> (costUSD: Double, tokens: Int)
    /// The calls finished in `date..<until` (no end when nil), grouped, largest spend first.
    func summary(since date: Date, until: Date?, by grouping: LedgerGrouping) async throws -> [LedgerSummary]
}

extension LedgerStore {
    /// The calls since `date`, grouped, largest spend first.
    public func summary(since date: Date, by grouping: LedgerGrouping) async throws -> [LedgerSummary] {
        try await summary(since: date, until: nil, by: grouping)
    }
}
