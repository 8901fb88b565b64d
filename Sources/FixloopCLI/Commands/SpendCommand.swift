import ArgumentParser
import FixloopCore
import FixloopStore
import Foundation

/// `fixloop spend`: what model calls cost, from the ledger.
struct SpendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spend", abstract: "Show what model calls cost, grouped by run, ticket, repository or day.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("How far back: 30m, 24h, 7d, 2w, or a date (2026-11-01).", valueName: "period"))
    var since: String = "7d"

    @Option(name: .long, help: ArgumentHelp("Group by run, ticket, repo, day or model.", valueName: "key"))
    var by: LedgerGrouping = .day

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let context = try global.context()
        let start = try Self.startDate(since, now: Date())
        try context.state.prepare()
        let ledger = SQLiteLedgerStore(database: try FixloopDatabase(url: context.state.database))
        let rows = try await ledger.summary(since: start, by: by)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            context.print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        context.print(String(format: "%-28@ %6@ %10@ %10@ %10@ %12@", by.rawValue as NSString, "calls" as NSString,
                             "input" as NSString, "output" as NSString, "cached" as NSString, "cost" as NSString))
        for row in rows { context.print(Self.line(row)) }
        let total = rows.reduce(LedgerSummary(key: "total", calls: 0, usage: TokenUsage(), costUSD: 0, unpricedCalls: 0)) {
            LedgerSummary(
                key: "total", calls: $0.calls + $1.calls,
                usage: TokenUsage(inputTokens: $0.usage.inputTokens + $1.usage.inputTokens,
                                  outputTokens: $0.usage.outputTokens + $1.usage.outputTokens,
                                  cachedInputTokens: $0.usage.cachedInputTokens + $1.usage.cachedInputTokens,
                                  cacheWriteInputTokens: $0.usage.cacheWriteInputTokens + $1.usage.cacheWriteInputTokens),
                costUSD: $0.costUSD + $1.costUSD, unpricedCalls: $0.unpricedCalls + $1.unpricedCalls)
        }
        context.print(Self.line(total))
        if total.usage.cachedInputTokens + total.usage.cacheWriteInputTokens > 0 {
            let models = by == .model ? rows : try await ledger.summary(since: start, by: .model)
            context.print(Self.cacheLine(total.usage, saved: Self.cacheSavings(models, prices: context.configuration.prices)))
        }
        if total.unpricedCalls > 0 {
            context.print("\(total.unpricedCalls) calls had no price in [prices]; their cost is not included (\"+\" above); `fixloop models prices` lists the known ones.")
        }
    }

    static func line(_ row: LedgerSummary) -> String {
        let key = row.key.count > 28 ? String(row.key.prefix(27)) + "…" : row.key
        return String(format: "%-28@ %6d %10d %10d %10d %12@", key as NSString, row.calls, row.usage.inputTokens,
                      row.usage.outputTokens, row.usage.cachedInputTokens, costText(row) as NSString)
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

    /// The start of the period `text` names.
    static func startDate(_ text: String, now: Date) throws -> Date {
        let units: [Character: Double] = ["m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        if let unit = text.last, let seconds = units[unit], let count = Double(text.dropLast()), count >= 0 {
            return now.addingTimeInterval(-count * seconds)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        if let date = formatter.date(from: text) { return date }
        throw CommandError(code: "cli.invalid_since",
                           message: "The period '\(text)' is not understood; write 30m, 24h, 7d, 2w or a date such as 2026-11-01.")
    }
}

extension LedgerGrouping: ExpressibleByArgument {}
