import FixloopCore
import FixloopPostgres
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// The spend ledger's contract, run against every backend: the budget check and the hold are one transaction that
/// counts recorded calls plus the live holds of every connection, so concurrent reservers never cross a cap.
@Suite struct LedgerConformanceTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let day = LedgerEntry.utcDay(of: start)

    func hold(_ cost: Double, run: String = "r", ticket: String? = "T-1", at date: Date = start, lifetime: TimeInterval = 900) -> LedgerHold {
        LedgerHold(attribution: CallAttribution(runID: run, ticketID: ticket), day: LedgerEntry.utcDay(of: date), costUSD: cost,
                   tokens: Int(cost * 100), madeAt: date, expiresAt: date.addingTimeInterval(lifetime))
    }

    func entry(_ cost: Double, run: String = "r", ticket: String? = "T-1") -> LedgerEntry {
        LedgerEntry(date: Self.start, attribution: CallAttribution(runID: run, ticketID: ticket), model: "openai:test-model",
                    usage: TokenUsage(inputTokens: 10, outputTokens: 5), costUSD: cost, latencyMilliseconds: 3)
    }

    func dayCap(_ limit: Double) -> [BudgetCheck] {
        [BudgetCheck(budget: .perDayUSD, scope: .day(Self.day), measure: .dollars, limit: limit)]
    }

    @Test(arguments: StoreBackend.available)
    func aHoldCountsAgainstTheCapUntilItSettlesWithItsRealCost(backend: StoreBackend) async throws {
        try await backend.withLedgerStores(1) { (stores: [any LedgerStore]) async throws in
            let store = stores[0]
            let first = hold(0.3)
            #expect(try await store.reserve(first, checks: dayCap(0.5)) == .held)
            let refused = try await store.reserve(hold(0.3), checks: dayCap(0.5))
            guard case .exceeded(let check, let spent) = refused else {
                Issue.record("the second hold crosses the cap: \(refused)")
                return
            }
            #expect(check.budget == .perDayUSD && abs(spent - 0.3) < 1e-9)
            try await store.settle(first.id, recording: entry(0.1))
            #expect(try await store.totals(for: .day(Self.day)).costUSD == 0.1)
            #expect(try await store.reserve(hold(0.3), checks: dayCap(0.5)) == .held, "$0.10 spent plus $0.30 held fits $0.50")
        }
    }

    @Test(arguments: StoreBackend.available)
    func aReleasedHoldFreesTheBudget(backend: StoreBackend) async throws {
        try await backend.withLedgerStores(1) { (stores: [any LedgerStore]) async throws in
            let store = stores[0]
            let first = hold(0.4)
            #expect(try await store.reserve(first, checks: dayCap(0.5)) == .held)
            #expect(try await store.reserve(hold(0.4), checks: dayCap(0.5)) != .held)
            try await store.release(first.id)
            #expect(try await store.reserve(hold(0.4), checks: dayCap(0.5)) == .held)
            #expect(try await store.totals(for: .day(Self.day)).costUSD == 0, "a released hold records nothing")
        }
    }

    @Test(arguments: StoreBackend.available)
    func anExpiredHoldOfAKilledProcessStopsCounting(backend: StoreBackend) async throws {
        try await backend.withLedgerStores(2) { (stores: [any LedgerStore]) async throws in
            #expect(try await stores[0].reserve(hold(0.4, lifetime: 60), checks: dayCap(0.5)) == .held)
            let soon = Self.start.addingTimeInterval(59)
            #expect(try await stores[1].reserve(hold(0.4, at: soon), checks: dayCap(0.5)) != .held, "still live at 59 s")
            let later = Self.start.addingTimeInterval(61)
            #expect(try await stores[1].reserve(hold(0.4, at: later), checks: dayCap(0.5)) == .held, "expired at 60 s")
        }
    }

    @Test(arguments: StoreBackend.available)
    func eachCheckCountsOnlyItsScopeAndTokensCountTokens(backend: StoreBackend) async throws {
        try await backend.withLedgerStores(1) { (stores: [any LedgerStore]) async throws in
            let store = stores[0]
            try await store.record(entry(0.2, run: "r1", ticket: "T-1"))
            #expect(try await store.reserve(hold(0.2, run: "r1", ticket: "T-1"), checks: []) == .held)
            let ticketCap = [BudgetCheck(budget: .perTicketUSD, scope: .ticket("T-1"), measure: .dollars, limit: 0.5)]
            #expect(try await store.reserve(hold(0.2, run: "r2", ticket: "T-1"), checks: ticketCap) != .held, "0.2 spent + 0.2 held + 0.2")
            #expect(try await store.reserve(hold(0.2, run: "r3", ticket: "T-2"),
                                            checks: [BudgetCheck(budget: .perTicketUSD, scope: .ticket("T-2"), measure: .dollars, limit: 0.5)]) == .held)
            // r1: 15 tokens recorded plus 20 held; a hold of 20 more crosses 50 tokens.
            let tokenCap = [BudgetCheck(budget: .perRunTokens, scope: .run("r1"), measure: .tokens, limit: 50)]
            let outcome = try await store.reserve(hold(0.2, run: "r1"), checks: tokenCap)
            #expect(outcome == .exceeded(tokenCap[0], spent: 35), "\(outcome)")
        }
    }

    @Test(arguments: StoreBackend.available)
    func theSummaryGroupsCallsAndCountsUnpricedOnes(backend: StoreBackend) async throws {
        try await backend.withLedgerStores(1) { (stores: [any LedgerStore]) async throws in
            let store = stores[0]
            try await store.record(entry(0.25, run: "r1"))
            try await store.record(entry(0.5, run: "r2"))
            var unpriced = entry(0, run: "r2")
            unpriced.costUSD = nil
            try await store.record(unpriced)
            #expect(try await store.reserve(hold(9), checks: []) == .held, "a hold is not a call")
            let lines = try await store.summary(since: Self.start.addingTimeInterval(-1), by: .run)
            #expect(lines == [
                LedgerSummary(key: "r2", calls: 2, usage: TokenUsage(inputTokens: 20, outputTokens: 10), costUSD: 0.5, unpricedCalls: 1),
                LedgerSummary(key: "r1", calls: 1, usage: TokenUsage(inputTokens: 10, outputTokens: 5), costUSD: 0.25, unpricedCalls: 0),
            ])
            #expect(try await store.summary(since: Self.start.addingTimeInterval(1), by: .run).isEmpty)
            #expect(try await store.summary(since: Self.start.addingTimeInterval(-1), until: Self.start, by: .run).isEmpty, "the end is excluded")
            #expect(try await store.summary(since: Self.start.addingTimeInterval(-1), until: Self.start.addingTimeInterval(1), by: .run) == lines)
        }
    }

    /// Many reservers on separate connections (as separate processes would be), all at once, against one cap.
    @Test(arguments: StoreBackend.available)
    func concurrentReserversOnSeparateConnectionsNeverCrossTheCap(backend: StoreBackend) async throws {
        try await backend.withLedgerStores(4) { (stores: [any LedgerStore]) async throws in
            let checks = dayCap(1.0)
            let granted = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<24 {
                    let store = stores[index % stores.count]
                    let hold = hold(0.15, run: "r\(index)")
                    group.addTask { try await store.reserve(hold, checks: checks) == .held ? 1 : 0 }
                }
                return try await group.reduce(0, +)
            }
            #expect(granted == 6, "six holds of $0.15 fit $1.00, the seventh does not")
        }
    }
}

extension StoreBackend {
    /// Runs `body` with `count` ledger stores on separate connections to one fresh, empty database, as separate
    /// processes (or machines) would have.
    func withLedgerStores(_ count: Int, _ body: ([any LedgerStore]) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory("fixloop-ledger") { root in
                let url = root.appendingPathComponent("fixloop.sqlite")
                let stores: [any LedgerStore] = try (0..<count).map { _ in SQLiteLedgerStore(database: try FixloopDatabase(url: url)) }
                try await body(stores)
            }
        case .postgres:
            guard Self.postgresAvailable else { throw PostgresTestClusterError(Self.unavailableReason) }
            let cluster = try PostgresTestCluster.shared()
            let url = try PostgresURL(parsing: cluster.url(database: try cluster.makeDatabase()))
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let first = try await PostgresStore.open(url: url, poolSize: 2)
            opened.add(first)
            var stores: [any LedgerStore] = [PostgresLedgerStore(store: first)]
            for _ in 1..<max(count, 1) {
                let another = try await PostgresStore.open(url: url, poolSize: 2, migrate: false)
                opened.add(another)
                stores.append(PostgresLedgerStore(store: another))
            }
            try await body(Array(stores.prefix(count)))
        }
    }
}
