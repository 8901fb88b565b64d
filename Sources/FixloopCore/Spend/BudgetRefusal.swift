/// A model call refused before it was made, and why: an expected outcome, not an error.
public struct BudgetRefusal: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Which cap refused the call.
    public enum Budget: String, Sendable, Hashable, Codable {
        /// Dollars per run.
        case perRunUSD = "budgets.per_run_usd"
        /// Dollars per ticket, over all its runs.
        case perTicketUSD = "budgets.per_ticket_usd"
        /// Dollars per UTC day, over the whole ledger (every process sharing the store).
        case perDayUSD = "budgets.per_day_usd"
        /// Tokens per run.
        case perRunTokens = "budgets.per_run_tokens"
        /// A money budget is set and the model has no price in `[prices]` and is not marked free.
        case unknownPrice = "prices"
    }

    /// The cap.
    public var budget: Budget
    /// The model asked for.
    public var model: String
    /// The cap's value (dollars or tokens); 0 for `unknownPrice`.
    public var limit: Double
    /// What had been spent (or reserved by calls in flight) before this call.
    public var spent: Double
    /// The most this call could add (input estimate plus the output limit).
    public var estimate: Double

    /// Makes a refusal.
    public init(budget: Budget, model: String, limit: Double, spent: Double, estimate: Double) {
        self.budget = budget
        self.model = model
        self.limit = limit
        self.spent = spent
        self.estimate = estimate
    }

    /// One sentence naming the budget.
    public var description: String {
        switch budget {
        case .unknownPrice:
            let lines = PriceTable.configurationLines(for: model).joined(separator: "\n  ")
            return "The call to \(model) was refused: a money budget is set and \(model) has no price in the shipped list or [prices]; "
                + "add its list prices to fixloop.toml (or mark it free = true):\n  \(lines)"
        case .perRunTokens:
            return "The call to \(model) was refused by \(budget.rawValue) = \(Int(limit)): \(Int(spent)) tokens used and this call could use up to \(Int(estimate))."
        default:
            return "The call to \(model) was refused by \(budget.rawValue) = $\(Self.dollars(limit)): $\(Self.dollars(spent)) spent and this call could cost up to $\(Self.dollars(estimate))."
        }
    }

    static func dollars(_ value: Double) -> String {
        let scaled = (value * 10_000).rounded() / 10_000
        return String(describing: scaled)
    }
}
