import FixloopCore

/// Puts any client under the budgets: each call is checked before it is made and charged after.
///
/// A call that would cross a cap is not made; it returns ``ModelOutcome/refused(_:)`` naming the budget.
public struct BudgetedModelClient: ModelClient {
    public var spec: ModelSpec { inner.spec }
    private let inner: any ModelClient
    private let keeper: SpendKeeper
    /// Who the calls are charged to.
    public let attribution: CallAttribution

    /// Wraps `inner`.
    /// - Parameters:
    ///   - inner: the client that makes the calls.
    ///   - keeper: the process's spend keeper.
    ///   - attribution: the run, ticket and repository to charge.
    public init(wrapping inner: any ModelClient, keeper: SpendKeeper, attribution: CallAttribution) {
        self.inner = inner
        self.keeper = keeper
        self.attribution = attribution
    }

    public func send(_ request: ModelRequest) async throws -> ModelOutcome {
        let reservation: SpendKeeper.Reservation
        switch try await keeper.authorize(spec, attribution: attribution, request: request) {
        case .refused(let refusal): return .refused(refusal)
        case .granted(let granted): reservation = granted
        }
        let start = ContinuousClock.now
        let outcome: ModelOutcome
        do {
            outcome = try await inner.send(request)
        } catch {
            await keeper.release(reservation)
            throw error
        }
        guard case .reply(let reply) = outcome else {
            await keeper.release(reservation)
            return outcome
        }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
        try await keeper.settle(reservation, spec: spec, usage: reply.usage, latencyMilliseconds: milliseconds)
        return outcome
    }
}
