@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import Foundation
import Testing

/// The price list that ships in the package (`prices/prices.toml`), `[prices]` over it, and `fixloop models prices`.
struct ShippedPricesTests {
    @Test func theShippedListIsDatedAndPricesTheReadmeModel() throws {
        let table = try ShippedPrices.load()
        let date = try #require(table.date)
        #expect(date.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil, "\(date)")
        #expect(!table.sources.isEmpty)
        let price = try #require(table.price(for: ModelSpec(parsing: "openai:gpt-4.1")))
        #expect(price == ModelPrice(inputPerMillion: 2, outputPerMillion: 8, cachedPerMillion: 0.5,
                                    batchInputPerMillion: 1, batchOutputPerMillion: 4, contextWindow: 1_047_576))
        #expect(table.price(for: try ModelSpec(parsing: ModelSettings().defaultModel)) != nil, "the default model is priced")
        for (key, entry) in table.entries {
            #expect(entry.batchInputPerMillion != nil && entry.batchOutputPerMillion != nil && !entry.free, "\(key)")
            #expect(entry.cachedPerMillion <= entry.inputPerMillion && entry.inputPerMillion <= entry.outputPerMillion, "\(key)")
        }
    }

    @Test func everyShippedModelHasAContextWindowAndAnUnknownModelGetsTheDefault() throws {
        let table = try ShippedPrices.load()
        for (key, entry) in table.entries { #expect((entry.contextWindow ?? 0) >= 100_000, "\(key)") }
        #expect(table.contextWindow(for: try ModelSpec(parsing: "anthropic:claude-sonnet-4-5")) == 200_000)
        #expect(table.contextWindow(for: try ModelSpec(parsing: "openai:unknown-model")) == PriceTable.defaultContextWindow)
        let configured = try FixloopConfiguration(toml: "[prices.\"openai:mine\"]\ninput = 1.0\noutput = 2.0\ncontext_window = 32000\n", file: "fixloop.toml")
        #expect(configured.prices.contextWindow(for: try ModelSpec(parsing: "openai:mine")) == 32_000)
    }

    @Test func theDefaultConfigurationCarriesTheShippedPrices() throws {
        #expect(FixloopConfiguration().prices.price(for: try ModelSpec(parsing: "openai:gpt-4.1")) != nil)
    }

    @Test func aPricesEntryReplacesTheShippedOneAndAddsNewModels() throws {
        let configuration = try FixloopConfiguration(toml: """
            [prices."openai:gpt-4.1"]
            input = 9.0
            output = 18.0

            [prices."openai:my-model"]
            input = 1.0
            output = 2.0
            batch_output = 1.0
            """, file: "fixloop.toml")
        let replaced = try #require(configuration.prices.price(for: try ModelSpec(parsing: "openai:gpt-4.1")))
        #expect(replaced.inputPerMillion == 9 && replaced.cachedPerMillion == 9 && replaced.batchInputPerMillion == nil)
        #expect(configuration.prices.price(for: try ModelSpec(parsing: "openai:my-model"))?.batchOutputPerMillion == 1)
        #expect(configuration.prices.price(for: try ModelSpec(parsing: "anthropic:claude-sonnet-4-5")) != nil, "the rest still ship")
        #expect(configuration.prices.configured == ["openai:gpt-4.1", "openai:my-model"])
        #expect(configuration.prices.date == ShippedPrices.table.date)
    }

    @Test func anUnknownKeyInTheShippedFormatIsRefused() {
        #expect(throws: ConfigurationError.self) {
            try ShippedPrices.parse(toml: "read = \"2026-01-01\"\n[models.\"openai:x\"]\ninput = 1\noutput = 2\nbatch = 1\n", file: "prices.toml")
        }
    }

    @Test func modelsPricesPrintsTheTableWithItsDateAndWhereEachRowComesFrom() throws {
        let configuration = try FixloopConfiguration(toml: "[prices.\"openai:my-model\"]\ninput = 1.5\noutput = 3\n", file: "fixloop.toml")
        let report = PriceTableReport(table: configuration.prices)
        let text = report.lines.joined(separator: "\n")
        #expect(text.contains("read \(try #require(ShippedPrices.table.date))"), "\(text)")
        let gpt = try #require(report.lines.first { $0.hasPrefix("openai:gpt-4.1 ") })
        #expect(gpt.contains("2.000") && gpt.contains("0.500") && gpt.contains("8.000") && gpt.hasSuffix("shipped"), "\(gpt)")
        let mine = try #require(report.lines.first { $0.hasPrefix("openai:my-model ") })
        #expect(mine.contains("1.500") && mine.hasSuffix("fixloop.toml"), "\(mine)")
        let json = report.json.jsonText
        #expect(json.contains("\"date\"") && json.contains("\"batch_input\"") && json.contains("openai:gpt-4.1"), "\(json)")
    }
}
