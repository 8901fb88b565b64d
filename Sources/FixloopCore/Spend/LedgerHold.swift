import Foundation

/// A call's worst case, held against the budgets from its check until the call settles, is released, or expires.
///
/// Holds live in the store, so every process (and, with a shared database, every machine) counts the calls the
/// others have in flight. A hold expires so that a process killed in the middle of a call does not block a budget
/// for ever: after ``defaultLifetime`` it stops counting.
public struct LedgerHold: Sendable, Hashable {
    /// How long a hold counts unless settled or released first: 15 minutes, well past one model call with its
    /// retries (each attempt times out after `[models] timeout_seconds`, 120 by default).
    public static let defaultLifetime: TimeInterval = 15 * 60

    /// The hold's id (the keeper's reservation id).
    public var id: UUID
    /// Who the call is charged to.
    public var attribution: CallAttribution
    /// The UTC day (`yyyy-MM-dd`) the call counts against.
    public var day: String
    /// The call's worst case in dollars (0 when it has no price).
    public var costUSD: Double
    /// The call's worst case in tokens.
    public var tokens: Int
    /// When the hold was made; holds expired by then are dropped before the check.
    public var madeAt: Date
    /// When the hold stops counting.
    public var expiresAt: Date

    /// Makes a hold.
    public init(id: UUID = UUID(), attribution: CallAttribution, day: String, costUSD: Double, tokens: Int, madeAt: Date,
                expiresAt: Date) {
        self.id = id
        self.attribution = attribution
        self.day = day
        self.costUSD = costUSD
        self.tokens = tokens
        self.madeAt = madeAt
        self.expiresAt = expiresAt
    }

    /// What the hold adds to a budget counted in `measure`.
    public func amount(in measure: BudgetCheck.Measure) -> Double {
        measure == .tokens ? Double(tokens) : costUSD
    }

    /// Whether the hold counts against `scope`.
    public func isIn(_ scope: LedgerScope) -> Bool {
        switch scope {
        case .run(let id): return attribution.runID == id
        case .ticket(let id): return attribution.ticketID == id
        case .day(let day): return self.day == day
        }
    }
}

/// One cap a hold must fit under: recorded spend plus live holds of `scope`, plus the new hold, at most `limit`.
public struct BudgetCheck: Sendable, Hashable {
    /// What a budget counts.
    public enum Measure: Sendable, Hashable {
        case dollars, tokens
    }

    /// The budget, for the refusal.
    public var budget: BudgetRefusal.Budget
    /// The calls it sums.
    public var scope: LedgerScope
    /// Dollars or tokens.
    public var measure: Measure
    /// The cap.
    public var limit: Double

    /// Makes a check.
    public init(budget: BudgetRefusal.Budget, scope: LedgerScope, measure: Measure, limit: Double) {
        self.budget = budget
        self.scope = scope
        self.measure = measure
        self.limit = limit
    }
}

/// What ``LedgerStore/reserve(_:checks:)`` did.
public enum ReserveResult: Sendable, Hashable {
    /// Every check passed and the hold is stored.
    case held
    /// `check` would be crossed: `spent` (recorded plus held) and the hold exceed its limit. Nothing was stored.
    case exceeded(BudgetCheck, spent: Double)
}
