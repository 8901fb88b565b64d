import ArgumentParser
import FixloopConfig
import FixloopCore
import Foundation

/// `fixloop models prices`: the price table in force — the shipped list with its date, and `[prices]` over it.
struct ModelsPricesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Print the price table in force: the shipped list prices with their date, and [prices] from fixloop.toml over them.")

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print the table as JSON.")
    var json = false

    func run() async throws {
        let context = try global.context()
        let table = PriceTableReport(table: context.configuration.prices)
        if json {
            try context.printJSON(table.json)
        } else {
            table.lines.forEach(context.print)
        }
    }
}

/// The price table as `models prices` shows it.
struct PriceTableReport {
    let table: PriceTable

    private var keys: [String] { table.entries.keys.sorted() }

    private func origin(_ key: String) -> String { table.configured.contains(key) ? "fixloop.toml" : "shipped" }

    var lines: [String] {
        var lines = [
            "prices in US dollars per million tokens; shipped list read \(table.date ?? "(none shipped)") from the providers' pages",
            "add or replace a model with [prices.\"provider:model\"] in fixloop.toml (input, output, cached, batch_input, batch_output)",
            "",
        ]
        // The model and origin columns read left to right; the prices line up on their right edge.
        var grid = TextTable(header: ["model", "input", "cached", "output", "batch in", "batch out", "from"],
                              alignments: [.left, .right, .right, .right, .right, .right, .left])
        for key in keys {
            guard let price = table.entries[key] else { continue }
            if price.free {
                grid.append([key, "free", "free", "free", "free", "free", origin(key)])
                continue
            }
            grid.append([key, Self.dollars(price.inputPerMillion), Self.dollars(price.cachedPerMillion), Self.dollars(price.outputPerMillion),
                         price.batchInputPerMillion.map(Self.dollars) ?? "-", price.batchOutputPerMillion.map(Self.dollars) ?? "-", origin(key)])
        }
        lines += grid.lines
        if !table.sources.isEmpty {
            lines.append("")
            lines.append("sources:")
            lines += table.sources.map { "  \($0)" }
        }
        return lines
    }

    var json: JSONValue {
        let models: [JSONValue] = keys.compactMap { key in
            guard let price = table.entries[key] else { return nil }
            return [
                "model": .string(key), "free": .bool(price.free),
                "input": .number(price.inputPerMillion), "cached": .number(price.cachedPerMillion), "output": .number(price.outputPerMillion),
                "batch_input": price.batchInputPerMillion.map { .number($0) } ?? .null,
                "batch_output": price.batchOutputPerMillion.map { .number($0) } ?? .null,
                "from": .string(origin(key)),
            ]
        }
        return [
            "date": table.date.map { .string($0) } ?? .null, "unit": "USD per million tokens",
            "sources": .array(table.sources.map { .string($0) }), "models": .array(models),
        ]
    }

    static func dollars(_ value: Double) -> String { String(format: "%.3f", value) }
}
