import ArgumentParser
import FixloopCore
import FixloopStore
import Foundation

/// `fixloop spend`: what model calls cost, from the ledger.
struct SpendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spend", abstract: "Show what model calls cost, grouped by run, ticket, repository or day.")

    @OptionGroup var global: GlobalOptions

    @Option(help: .since("Calls finished", default: "7d"), transform: PeriodBound.argument) var since: PeriodBound = .known("7d")
    @Option(help: .until("Calls finished"), transform: PeriodBound.argument) var until: PeriodBound = .known("all")

    @Option(name: .long, help: ArgumentHelp("Group by run, ticket, repo, day or model.", valueName: "key"))
    var by: LedgerGrouping = .day

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let context = try global.context()
        let now = Date()
        let ledger = try await StoreBackend.open(context).ledger
        let rows = try await ledger.summary(since: since.date(relativeTo: now) ?? .distantPast, until: until.date(relativeTo: now), by: by)
        if json { return try context.printJSON(rows) }
        let total = rows.reduce(LedgerSummary(key: "total", calls: 0, usage: TokenUsage(), costUSD: 0, unpricedCalls: 0)) {
            LedgerSummary(
                key: "total", calls: $0.calls + $1.calls,
                usage: TokenUsage(inputTokens: $0.usage.inputTokens + $1.usage.inputTokens,
                                  outputTokens: $0.usage.outputTokens + $1.usage.outputTokens,
                                  cachedInputTokens: $0.usage.cachedInputTokens + $1.usage.cachedInputTokens,
                                  cacheWriteInputTokens: $0.usage.cacheWriteInputTokens + $1.usage.cacheWriteInputTokens),
                costUSD: $0.costUSD + $1.costUSD, unpricedCalls: $0.unpricedCalls + $1.unpricedCalls)
        }
        var table = TextTable(header: [by.rawValue, "calls", "input", "output", "cached", "cost"],
                              alignments: [.left, .right, .right, .right, .right, .right])
        for row in rows + [total] { table.append(Self.cells(row)) }
        context.printTable(table)
        if total.usage.cachedInputTokens + total.usage.cacheWriteInputTokens > 0 {
            let models = by == .model ? rows : try await ledger.summary(since: since.date(relativeTo: now) ?? .distantPast, until: until.date(relativeTo: now), by: .model)
            context.print(Self.cacheLine(total.usage, saved: Self.cacheSavings(models, prices: context.configuration.prices)))
        }
        if total.unpricedCalls > 0 {
            context.print("\(total.unpricedCalls) calls had no price in [prices]; their cost is not included (\"+\" above); `fixloop models prices` lists the known ones.")
        }
    }

    static func cells(_ row: LedgerSummary) -> [String] {
        [row.key, String(row.calls), String(row.usage.inputTokens), String(row.usage.outputTokens), String(row.usage.cachedInputTokens), costText(row)]
    }

    /// What the prompt cache saved over `rows` grouped by model, at each model's price (unpriced models count 0).
    static func cacheSavings(_ rows: [LedgerSummary], prices: PriceTable) -> Double {
        rows.reduce(0) { sum, row in
            sum + ((try? ModelSpec(parsing: row.key)).flatMap { prices.price(for: $0) }?.cacheSavings(of: row.usage) ?? 0)
        }
    }

    static func cacheLine(_ usage: TokenUsage, saved: Double) -> String {
        "prompt cache: \(usage.cachedInputTokens) input tokens read from it, \(usage.cacheWriteInputTokens) written to it; "
            + String(format: "saved $%.4f against the input price", saved)
    }

    /// Dollars; "unpriced" when no call of the row had a price, a trailing "+" when some had none (not included).
    static func costText(_ row: LedgerSummary) -> String {
        if row.calls > 0, row.unpricedCalls == row.calls { return "unpriced" }
        return String(format: "$%.4f", row.costUSD) + (row.unpricedCalls > 0 ? "+" : "")
    }
}

extension LedgerGrouping: ExpressibleByArgument {}
