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
        try context.state.prepare()
        let ledger = SQLiteLedgerStore(database: try FixloopDatabase(url: context.state.database))
        let rows = try await ledger.summary(since: since.date(relativeTo: now) ?? .distantPast, until: until.date(relativeTo: now), by: by)
        if json { return try context.printJSON(rows) }
        let total = rows.reduce(LedgerSummary(key: "total", calls: 0, usage: TokenUsage(), costUSD: 0, unpricedCalls: 0)) {
            LedgerSummary(
                key: "total", calls: $0.calls + $1.calls,
                usage: TokenUsage(inputTokens: $0.usage.inputTokens + $1.usage.inputTokens,
                                  outputTokens: $0.usage.outputTokens + $1.usage.outputTokens,
                                  cachedInputTokens: $0.usage.cachedInputTokens + $1.usage.cachedInputTokens),
                costUSD: $0.costUSD + $1.costUSD, unpricedCalls: $0.unpricedCalls + $1.unpricedCalls)
        }
        var table = TextTable(header: [by.rawValue, "calls", "input", "output", "cached", "cost"],
                              alignments: [.left, .right, .right, .right, .right, .right])
        for row in rows + [total] { table.append(Self.cells(row)) }
        context.printTable(table)
        if total.unpricedCalls > 0 {
            context.print("\(total.unpricedCalls) calls had no price in [prices]; their cost is not included (\"+\" above); `fixloop models prices` lists the known ones.")
        }
    }

    static func cells(_ row: LedgerSummary) -> [String] {
        [row.key, String(row.calls), String(row.usage.inputTokens), String(row.usage.outputTokens), String(row.usage.cachedInputTokens), costText(row)]
    }

    /// Dollars; "unpriced" when no call of the row had a price, a trailing "+" when some had none (not included).
    static func costText(_ row: LedgerSummary) -> String {
        if row.calls > 0, row.unpricedCalls == row.calls { return "unpriced" }
        return String(format: "$%.4f", row.costUSD) + (row.unpricedCalls > 0 ? "+" : "")
    }
}

extension LedgerGrouping: ExpressibleByArgument {}
