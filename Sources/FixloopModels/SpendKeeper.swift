import FixloopCore
import Foundation

/// The process's spending guard: checks every call against the budgets before it is made, counting calls in
/// flight, and records what each call cost in the ledger.
///
/// One keeper serves every run in the process (build it at the edge, hand it to each ``BudgetedModelClient``).
/// Each call holds its worst case (input estimate plus its output limit) until it settles with its real usage. The
/// holds live in the ledger's store, and the check and the hold are one store transaction
/// (``LedgerStore/reserve(_:checks:)``), so calls of other processes sharing the store count too and processes
/// cannot together slip past a cap. A hold expires after `holdLifetime` (15 minutes by default), so a process
/// killed mid-call does not block a budget for ever.
public actor SpendKeeper {
    /// A call allowed to go ahead, holding its reservation.
    public struct Reservation: Sendable, Hashable {
        let id: UUID
        let attribution: CallAttribution
        let day: String
        let cost: Double
        let tokens: Int
    }

    /// The answer to "may this call be made?".
    public enum Decision: Sendable, Hashable {
        case granted(Reservation)
        case refused(BudgetRefusal)
    }

    private let ledger: any LedgerStore
    /// The prices used to charge calls.
    public nonisolated let prices: PriceTable
    /// The caps.
    public nonisolated let budgets: BudgetSettings
    private let now: @Sendable () -> Date
    private let holdLifetime: TimeInterval
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Makes a keeper.
    /// - Parameters:
    ///   - ledger: where calls are recorded and summed.
    ///   - prices: the `[prices]` table.
    ///   - budgets: the `[budgets]` table.
    ///   - now: the wall clock, injected for tests about days.
    ///   - holdLifetime: how long a call's hold counts if it is never settled or released (a killed process).
    public init(ledger: any LedgerStore, prices: PriceTable, budgets: BudgetSettings, now: @escaping @Sendable () -> Date = { Date() },
                holdLifetime: TimeInterval = LedgerHold.defaultLifetime) {
        self.ledger = ledger
        self.prices = prices
        self.budgets = budgets
        self.now = now
        self.holdLifetime = holdLifetime
    }

    /// The price of `spec`: configured, or free for replayed transcripts; nil when unknown.
    public nonisolated func price(for spec: ModelSpec) -> ModelPrice? {
        spec.provider == .replay ? .free : prices.price(for: spec)
    }

    /// Checks a call against every budget and reserves its worst case when it fits.
    /// - Parameters:
    ///   - spec: the model.
    ///   - attribution: the run, ticket and repository charged.
    ///   - request: the request, for its token estimate.
    /// - Throws: the ledger's error when totals cannot be read.
    public func authorize(_ spec: ModelSpec, attribution: CallAttribution, request: ModelRequest) async throws -> Decision {
        await lock()
        defer { unlock() }
        let estimate = TokenUsage(inputTokens: request.estimatedInputTokens, outputTokens: request.maxOutputTokens)
        let price = price(for: spec)
        if budgets.hasMoneyBudget || attribution.runLimitUSD != nil, price == nil {
            return .refused(BudgetRefusal(budget: .unknownPrice, model: spec.description, limit: 0, spent: 0, estimate: 0))
        }
        let cost = price?.cost(of: estimate) ?? 0
        let date = now()
        let day = LedgerEntry.utcDay(of: date)
        let candidates: [(BudgetRefusal.Budget, Double?, LedgerScope?, BudgetCheck.Measure)] = [
            (.perRunUSD, attribution.runLimitUSD ?? budgets.perRunUSD, .run(attribution.runID), .dollars),
            (.perTicketUSD, budgets.perTicketUSD, attribution.ticketID.map { .ticket($0) }, .dollars),
            (.perDayUSD, budgets.perDayUSD, .day(day), .dollars),
            (.perRunTokens, budgets.perRunTokens.map(Double.init), .run(attribution.runID), .tokens),
        ]
        let checks = candidates.compactMap { budget, limit, scope, measure in
            limit.flatMap { limit in scope.map { BudgetCheck(budget: budget, scope: $0, measure: measure, limit: limit) } }
        }
        let hold = LedgerHold(
            attribution: attribution, day: day, costUSD: cost, tokens: estimate.totalTokens, madeAt: date,
            expiresAt: date.addingTimeInterval(holdLifetime))
        switch try await ledger.reserve(hold, checks: checks) {
        case .exceeded(let check, let spent):
            return .refused(BudgetRefusal(
                budget: check.budget, model: spec.description, limit: check.limit, spent: spent, estimate: hold.amount(in: check.measure)))
        case .held:
            return .granted(Reservation(id: hold.id, attribution: attribution, day: day, cost: cost, tokens: estimate.totalTokens))
        }
    }

    /// Records a finished call in the ledger and drops its reservation.
    /// - Returns: the entry recorded.
    /// - Throws: the ledger's error.
    @discardableResult
    public func settle(_ reservation: Reservation, spec: ModelSpec, usage: TokenUsage, latencyMilliseconds: Int) async throws -> LedgerEntry {
        await lock()
        defer { unlock() }
        let entry = LedgerEntry(
            date: now(), attribution: reservation.attribution, model: spec.description, usage: usage,
            costUSD: price(for: spec)?.cost(of: usage), latencyMilliseconds: latencyMilliseconds)
        // Recorded and unheld in one transaction, so the spend is never counted zero times or twice.
        try await ledger.settle(reservation.id, recording: entry)
        return entry
    }

    /// Records one answered request of a provider's batch, priced at the batch rate (``ModelPrice/batchCost(of:)``).
    /// Batches are not checked against the budgets one request at a time: the caller asked before submitting.
    /// - Returns: the entry recorded.
    /// - Throws: the ledger's error.
    @discardableResult
    public func recordBatchAnswer(spec: ModelSpec, attribution: CallAttribution, usage: TokenUsage) async throws -> LedgerEntry {
        await lock()
        defer { unlock() }
        let entry = LedgerEntry(
            date: now(), attribution: attribution, model: spec.description, usage: usage,
            costUSD: price(for: spec)?.batchCost(of: usage), latencyMilliseconds: 0)
        try await ledger.record(entry)
        return entry
    }

    /// Drops the reservation of a call that failed or was not made. When the store cannot be reached the hold
    /// stays until it expires (the budget is held back a while, never overspent).
    public func release(_ reservation: Reservation) async {
        await lock()
        defer { unlock() }
        try? await ledger.release(reservation.id)
    }

    // Store calls of one process go one at a time (the store serializes processes; this keeps one process's
    // checks and settlements in order and off the store's writer queue at once).
    private func lock() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func unlock() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
