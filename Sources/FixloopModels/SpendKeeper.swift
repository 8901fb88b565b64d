import FixloopCore
import Foundation

/// The process's spending guard: checks every call against the budgets before it is made, counting calls in
/// flight, and records what each call cost in the ledger.
///
/// One keeper serves every run in the process (build it at the edge, hand it to each ``BudgetedModelClient``).
/// Checks and settlements are serialized, so parallel calls cannot together slip past a cap: each call reserves
/// its worst case (input estimate plus its output limit) until it settles with its real usage.
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
    private var reservations: [UUID: Reservation] = [:]
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Makes a keeper.
    /// - Parameters:
    ///   - ledger: where calls are recorded and summed.
    ///   - prices: the `[prices]` table.
    ///   - budgets: the `[budgets]` table.
    ///   - now: the wall clock, injected for tests about days.
    public init(ledger: any LedgerStore, prices: PriceTable, budgets: BudgetSettings, now: @escaping @Sendable () -> Date = { Date() }) {
        self.ledger = ledger
        self.prices = prices
        self.budgets = budgets
        self.now = now
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
        let day = LedgerEntry.utcDay(of: now())
        let checks: [(BudgetRefusal.Budget, Double?, LedgerScope?, Bool)] = [
            (.perRunUSD, attribution.runLimitUSD ?? budgets.perRunUSD, .run(attribution.runID), false),
            (.perTicketUSD, budgets.perTicketUSD, attribution.ticketID.map { .ticket($0) }, false),
            (.perDayUSD, budgets.perDayUSD, .day(day), false),
            (.perRunTokens, budgets.perRunTokens.map(Double.init), .run(attribution.runID), true),
        ]
        for (budget, limit, scope, isTokens) in checks {
            guard let limit, let scope else { continue }
            let recorded = try await ledger.totals(for: scope)
            let inFlight = reservations.values.filter { Self.reservation($0, isIn: scope) }
            let spent = isTokens
                ? Double(recorded.tokens + inFlight.reduce(0) { $0 + $1.tokens })
                : recorded.costUSD + inFlight.reduce(0) { $0 + $1.cost }
            let added = isTokens ? Double(estimate.totalTokens) : cost
            if spent + added > limit {
                return .refused(BudgetRefusal(budget: budget, model: spec.description, limit: limit, spent: spent, estimate: added))
            }
        }
        let reservation = Reservation(id: UUID(), attribution: attribution, day: day, cost: cost, tokens: estimate.totalTokens)
        reservations[reservation.id] = reservation
        return .granted(reservation)
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
        // Record before dropping the reservation, so the spend is never counted zero times.
        try await ledger.record(entry)
        reservations[reservation.id] = nil
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

    /// Drops the reservation of a call that failed or was not made.
    public func release(_ reservation: Reservation) {
        reservations[reservation.id] = nil
    }

    private static func reservation(_ reservation: Reservation, isIn scope: LedgerScope) -> Bool {
        switch scope {
        case .run(let id): return reservation.attribution.runID == id
        case .ticket(let id): return reservation.attribution.ticketID == id
        case .day(let day): return reservation.day == day
        }
    }

    // The ledger is read across suspension points; without this lock two checks could both pass on the same total.
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
