import FixloopConfig
import FixloopCore
import FixloopModels
import Foundation
import Testing

/// The `[models]`, `[prices]`, `[budgets]` and `[rate_limits]` tables, and model specs.
@Suite struct ModelConfigurationTests {
    @Test func readsEveryModelTable() throws {
        let configuration = try FixloopConfiguration(toml: """
            [models]
            default = "openai:gpt-4o-mini"
            timeout_seconds = 30
            max_attempts = 3

            [prices."openai:gpt-4o-mini"]
            input = 0.15
            output = 0.6
            cached = 0.075

            [prices."openai:llama3.1"]
            free = true

            [budgets]
            per_run_usd = 2
            per_day_usd = 20.5

            [rate_limits.anthropic]
            requests_per_minute = 50
            tokens_per_minute = 40000
            """, file: "fixloop.toml")
        #expect(configuration.models.defaultModel == "openai:gpt-4o-mini")
        #expect(configuration.models.timeoutSeconds == 30)
        #expect(configuration.models.maxAttempts == 3)
        let mini = try #require(configuration.prices.price(for: ModelSpec(parsing: "openai:gpt-4o-mini")))
        #expect(mini.cost(of: TokenUsage(inputTokens: 1_000_000, outputTokens: 1_000_000, cachedInputTokens: 1_000_000)) == 0.825)
        #expect(configuration.prices.price(for: ModelSpec(provider: .openai, name: "llama3.1"))?.free == true)
        #expect(configuration.budgets == BudgetSettings(perRunUSD: 2, perDayUSD: 20.5))
        #expect(configuration.rateLimits.limit(for: ModelSpec(provider: .anthropic, name: "claude")) ==
                RateLimit(requestsPerMinute: 50, tokensPerMinute: 40000))
    }

    @Test func aConfiguredCacheWritePriceIsReadAndUsedOnlyForCacheWrites() throws {
        let configuration = try FixloopConfiguration(toml: """
            [prices."anthropic:x"]
            input = 3
            output = 15
            cached = 0.3
            cache_write = 3.75
            """, file: "fixloop.toml")
        let price = try #require(configuration.prices.price(for: ModelSpec(parsing: "anthropic:x")))
        #expect(price.cacheWritePerMillion == 3.75)
        #expect(price.cost(of: TokenUsage(cacheWriteInputTokens: 1_000_000)) == 3.75)
        #expect(price.cost(of: TokenUsage(inputTokens: 1_000_000)) == 3)
        #expect(throws: ConfigurationError.self) {
            try FixloopConfiguration(toml: "[prices.\"anthropic:x\"]\ninput = 3\noutput = 15\ncache_write = -1", file: "f")
        }
    }

    @Test(arguments: [
        ("[models]\ntimeout = 3", "models.timeout"),
        ("[prices.\"openai:x\"]\ninput = 1\noutput = 2\ncache = 1", "prices.openai:x.cache"),
        ("[budgets]\nper_week_usd = 3", "budgets.per_week_usd"),
        ("[rate_limits.openai]\nrpm = 3", "rate_limits.openai.rpm"),
    ])
    func refusesUnknownKeys(text: String, key: String) {
        #expect {
            try FixloopConfiguration(toml: text, file: "fixloop.toml")
        } throws: { error in
            (error as? ConfigurationError)?.kind == .unknownKey && (error as? ConfigurationError)?.key == key
        }
    }

    @Test(arguments: [
        "[prices.\"openai:x\"]\ninput = 1",
        "[budgets]\nper_run_usd = -1",
        "[models]\ndefault = \"gpt-4o\"",
        "[models]\nmax_attempts = 0",
    ])
    func refusesInvalidValues(text: String) {
        #expect(throws: ConfigurationError.self) { try FixloopConfiguration(toml: text, file: "fixloop.toml") }
    }

    @Test(arguments: [
        ("openai:gpt-4o-mini", ModelSpec.Provider.openai, "gpt-4o-mini"),
        ("anthropic:claude-sonnet-4-5", .anthropic, "claude-sonnet-4-5"),
        ("replay:/tmp/run.jsonl", .replay, "/tmp/run.jsonl"),
        ("OpenAI:openrouter/meta-llama:free", .openai, "openrouter/meta-llama:free"),
    ])
    func parsesSpecs(text: String, provider: ModelSpec.Provider, name: String) throws {
        let spec = try ModelSpec(parsing: text)
        #expect(spec.provider == provider)
        #expect(spec.name == name)
    }

    @Test(arguments: ["gpt-4o", "azure:gpt-4o", "openai:"])
    func refusesBadSpecs(text: String) {
        #expect(throws: ModelSpecError.self) { try ModelSpec(parsing: text) }
    }

    @Test func priceLookupPrefersTheWholeSpec() {
        let table = PriceTable(["gpt-4o": ModelPrice(inputPerMillion: 1, outputPerMillion: 1),
                                "openai:gpt-4o": ModelPrice(inputPerMillion: 2, outputPerMillion: 2)])
        #expect(table.price(for: ModelSpec(provider: .openai, name: "gpt-4o"))?.inputPerMillion == 2)
        #expect(table.price(for: ModelSpec(provider: .anthropic, name: "gpt-4o"))?.inputPerMillion == 1)
    }

    @Test func jsonValuesRoundTripKeepingIntegers() throws {
        let value: JSONValue = ["a": 1, "b": 1.5, "c": [true, nil, "x"]]
        #expect(value.jsonText == #"{"a":1,"b":1.5,"c":[true,null,"x"]}"#)
        #expect(try JSONValue(parsing: value.jsonText) == value)
    }
}
