import FixloopCore
import FixloopModels
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// Budgets checked before each call, against the SQLite ledger.
@Suite struct BudgetTests {
    /// Ten cents per token either way, so a handful of tokens is a visible amount.
    static let dearPrice = ModelPrice(inputPerMillion: 100_000, outputPerMillion: 100_000)

    func keeper(budgets: BudgetSettings, prices: [String: ModelPrice] = ["test-model": dearPrice],
                now: @escaping @Sendable () -> Date = { Date() }) throws -> (SpendKeeper, SQLiteLedgerStore) {
        let database = try FixloopDatabase(url: try makeTemporaryDirectory().appendingPathComponent("fixloop.sqlite"))
        let ledger = SQLiteLedgerStore(database: database)
        return (SpendKeeper(ledger: ledger, prices: PriceTable(prices), budgets: budgets, now: now), ledger)
    }

    let request = ModelRequest(messages: [.user("fix it")], maxOutputTokens: 10)

    @Test(arguments: bothProtocols)
    func refusesTheCallThatWouldCrossTheRunBudget(wire: LoopbackModelServer.WireProtocol) async throws {
        let (keeper, ledger) = try keeper(budgets: BudgetSettings(perRunUSD: 5))
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(contentsOf: Array(repeating: .text("ok", inputTokens: 12, outputTokens: 4), count: 10))
            let budgeted = BudgetedModelClient(
                wrapping: client(for: server, retry: instantRetry(SleepLog())), keeper: keeper,
                attribution: CallAttribution(runID: "run-1", ticketID: "T-1", repository: "acme/shop"))
            var replies = 0
            var refusal: BudgetRefusal?
            for _ in 0..<10 {
                switch try await budgeted.send(request) {
                case .reply: replies += 1
                case .refused(let found): refusal = found
                }
                if refusal != nil { break }
            }
            let found = try #require(refusal)
            #expect(found.budget == .perRunUSD)
            #expect(found.spent + found.estimate > 5)
            #expect(found.spent <= 5)
            #expect(found.description.contains("budgets.per_run_usd"))
            // 16 tokens at $0.10 = $1.60 per call; the worst case of the next call is about $1.50.
            #expect(replies == 3)
            #expect(await server.received().count == replies)
            let totals = try await ledger.totals(for: .run("run-1"))
            #expect(abs(totals.costUSD - 4.8) < 0.0001)
            #expect(totals.tokens == 48)
        }
    }

    @Test func ticketBudgetCountsEveryRunOfTheTicket() async throws {
        let (keeper, _) = try keeper(budgets: BudgetSettings(perTicketUSD: 2))
        let inner = ScriptedModelClient(steps: okSteps(4))
        let first = BudgetedModelClient(wrapping: inner, keeper: keeper, attribution: CallAttribution(runID: "r1", ticketID: "T-9"))
        let second = BudgetedModelClient(wrapping: inner, keeper: keeper, attribution: CallAttribution(runID: "r2", ticketID: "T-9"))
        let other = BudgetedModelClient(wrapping: inner, keeper: keeper, attribution: CallAttribution(runID: "r3", ticketID: "T-10"))
        #expect(try await first.send(request).reply != nil)
        let outcome = try await second.send(request)
        guard case .refused(let refusal) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            return
        }
        #expect(refusal.budget == .perTicketUSD)
        #expect(try await other.send(request).reply != nil)
        #expect(await inner.calls == 2)
    }

    @Test func dayBudgetCountsOnlyTodayInUTC() async throws {
        let clock = MutableDate(Date(timeIntervalSince1970: 1_700_000_000))
        let (keeper, ledger) = try keeper(budgets: BudgetSettings(perDayUSD: 2), now: { clock.value })
        let inner = ScriptedModelClient(steps: okSteps(4))
        let budgeted = BudgetedModelClient(wrapping: inner, keeper: keeper, attribution: CallAttribution(runID: "r"))
        #expect(try await budgeted.send(request).reply != nil)
        #expect(try await budgeted.send(request).reply == nil)
        clock.value = clock.value.addingTimeInterval(86_400)
        #expect(try await budgeted.send(request).reply != nil)
        let days = try await ledger.summary(since: .distantPast, by: .day)
        #expect(days.map(\.key).sorted() == ["2023-11-14", "2023-11-15"])
    }

    @Test func tokenBudgetPerRun() async throws {
        let (keeper, _) = try keeper(budgets: BudgetSettings(perRunTokens: 40))
        let budgeted = BudgetedModelClient(wrapping: ScriptedModelClient(steps: okSteps(4)), keeper: keeper, attribution: CallAttribution(runID: "r"))
        #expect(try await budgeted.send(request).reply != nil)
        #expect(try await budgeted.send(request).reply != nil)
        guard case .refused(let refusal) = try await budgeted.send(request) else {
            Issue.record("the third call should cross 40 tokens")
            return
        }
        #expect(refusal.budget == .perRunTokens)
    }

    @Test func unknownPriceIsRefusedWhenAMoneyBudgetIsSet() async throws {
        let (keeper, _) = try keeper(budgets: BudgetSettings(perDayUSD: 100), prices: [:])
        let inner = ScriptedModelClient(steps: okSteps(1))
        let outcome = try await BudgetedModelClient(wrapping: inner, keeper: keeper, attribution: CallAttribution(runID: "r"))
            .send(request)
        guard case .refused(let refusal) = outcome else {
            Issue.record("expected a refusal for a model with no price")
            return
        }
        #expect(refusal.budget == .unknownPrice)
        #expect(refusal.description.contains("[prices]"))
        #expect(await inner.calls == 0)
    }

    @Test func aModelMarkedFreePassesMoneyBudgets() async throws {
        let (keeper, ledger) = try keeper(budgets: BudgetSettings(perRunUSD: 0.01), prices: ["openai:test-model": .free])
        let budgeted = BudgetedModelClient(wrapping: ScriptedModelClient(steps: okSteps(3)), keeper: keeper, attribution: CallAttribution(runID: "r"))
        for _ in 0..<3 { #expect(try await budgeted.send(request).reply != nil) }
        #expect(try await ledger.totals(for: .run("r")).costUSD == 0)
    }

    @Test func withoutMoneyBudgetsUnpricedCallsAreRecordedWithoutCost() async throws {
        let (keeper, ledger) = try keeper(budgets: BudgetSettings(), prices: [:])
        let budgeted = BudgetedModelClient(
            wrapping: ScriptedModelClient(steps: okSteps(1)), keeper: keeper,
            attribution: CallAttribution(runID: "r", ticketID: "T", repository: "acme/shop"))
        #expect(try await budgeted.send(request).reply != nil)
        let rows = try await ledger.summary(since: .distantPast, by: .repo)
        #expect(rows == [LedgerSummary(key: "acme/shop", calls: 1, usage: TokenUsage(inputTokens: 12, outputTokens: 4),
                                       costUSD: 0, unpricedCalls: 1)])
    }

    @Test func concurrentCallsCannotTogetherSlipPastTheBudget() async throws {
        let (keeper, ledger) = try keeper(budgets: BudgetSettings(perRunUSD: 5))
        let inner = ScriptedModelClient(steps: okSteps(8), delay: .milliseconds(50))
        let budgeted = BudgetedModelClient(wrapping: inner, keeper: keeper, attribution: CallAttribution(runID: "r"))
        let request = self.request
        let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { try await budgeted.send(request).reply != nil } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(granted == 3)
        #expect(await inner.calls == 3)
        #expect(try await ledger.totals(for: .run("r")).costUSD <= 5)
    }

    @Test func checksAndSettlementsDoNotInterleaveOnASlowLedger() async throws {
        // A slow ledger widens the window between reading the totals and recording a call; the keeper must not
        // let a check read the total before a settlement's record and then miss its dropped reservation.
        let (_, ledger) = try keeper(budgets: BudgetSettings())
        let keeper = SpendKeeper(
            ledger: SlowLedger(inner: ledger), prices: PriceTable(["test-model": Self.dearPrice]),
            budgets: BudgetSettings(perRunUSD: 5))
        let inner = ScriptedModelClient(steps: okSteps(16))
        let budgeted = BudgetedModelClient(wrapping: inner, keeper: keeper, attribution: CallAttribution(runID: "r"))
        let request = self.request
        let granted = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(index * 7))
                    return try await budgeted.send(request).reply != nil ? 1 : 0
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(granted == 3)
        #expect(try await ledger.totals(for: .run("r")).costUSD <= 5)
    }

    @Test func theDatabaseIsInWALMode() throws {
        let database = try FixloopDatabase(url: try makeTemporaryDirectory().appendingPathComponent("f.sqlite"))
        #expect(try database.journalMode() == "wal")
    }
}

/// `count` replies of `ok` with 12 input and 4 output tokens.
func okSteps(_ count: Int) -> [ScriptedModelClient.Step] {
    Array(repeating: .text("ok"), count: count)
}

/// A ledger whose every operation takes a while.
struct SlowLedger: LedgerStore {
    let inner: any LedgerStore
    func record(_ entry: LedgerEntry) async throws {
        try await Task.sleep(for: .milliseconds(15))
        try await inner.record(entry)
    }
    func totals(for scope: LedgerScope) async throws -> (costUSD: Double, tokens: Int) {
        let totals = try await inner.totals(for: scope)
        try await Task.sleep(for: .milliseconds(15))
        return totals
    }
    func summary(since date: Date, until: Date?, by grouping: LedgerGrouping) async throws -> [LedgerSummary] {
        try await inner.summary(since: date, until: until, by: grouping)
    }
    func reserve(_ hold: LedgerHold, checks: [BudgetCheck]) async throws -> ReserveResult {
        try await Task.sleep(for: .milliseconds(15))
        return try await inner.reserve(hold, checks: checks)
    }
    func settle(_ holdID: UUID, recording entry: LedgerEntry) async throws {
        try await Task.sleep(for: .milliseconds(15))
        try await inner.settle(holdID, recording: entry)
    }
    func release(_ holdID: UUID) async throws {
        try await inner.release(holdID)
    }
}

/// A date a test moves forward.
final class MutableDate: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Date
    init(_ date: Date) { stored = date }
    var value: Date {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
