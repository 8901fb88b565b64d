import FixloopCore

extension FixloopConfiguration {
    /// Reads `[models]`, `[prices]`, `[budgets]` and `[rate_limits]`, refusing unknown keys in each.
    mutating func readModelTables(_ root: inout ConfigSection) throws {
        var modelsTable = try root.section("models")
        models = try ModelSettings(reading: &modelsTable)
        try modelsTable.finish()

        var pricesTable = try root.section("prices")
        var entries: [String: ModelPrice] = [:]
        for key in pricesTable.keys {
            var entry = try pricesTable.section(key)
            entries[key] = try ModelPrice(reading: &entry)
            try entry.finish()
        }
        try pricesTable.finish()
        prices = ShippedPrices.table.overridden(by: entries)

        var budgetsTable = try root.section("budgets")
        budgets = try BudgetSettings(reading: &budgetsTable)
        try budgetsTable.finish()

        var limitsTable = try root.section("rate_limits")
        var limits: [String: RateLimit] = [:]
        for key in limitsTable.keys {
            var entry = try limitsTable.section(key)
            limits[key] = RateLimit(
                requestsPerMinute: try entry.int("requests_per_minute", range: 1...1_000_000),
                tokensPerMinute: try entry.int("tokens_per_minute", range: 1...1_000_000_000))
            try entry.finish()
        }
        try limitsTable.finish()
        rateLimits = RateLimitTable(limits)
    }
}

extension ModelSettings {
    init(reading table: inout ConfigSection) throws {
        self.init()
        if let value = try table.string("default") {
            do {
                _ = try ModelSpec(parsing: value)
            } catch let error as ModelSpecError {
                throw ConfigurationError(kind: .invalidValue, file: table.file, key: "models.default", detail: "is '\(value)' but \(error.reason)")
            }
            defaultModel = value
        }
        if let value = try table.int("timeout_seconds", range: 1...3600) { timeoutSeconds = value }
        if let value = try table.int("max_attempts", range: 1...20) { maxAttempts = value }
        if let value = try table.int("initial_backoff_ms", range: 1...60_000) { initialBackoffMilliseconds = value }
        if let value = try table.int("max_backoff_seconds", range: 1...3600) { maxBackoffSeconds = value }
        if let value = try table.int("max_output_tokens", range: 1...1_000_000) { maxOutputTokens = value }
        if let value = try table.bool("log_requests") { logRequests = value }
    }
}

extension ModelPrice {
    init(reading table: inout ConfigSection) throws {
        let free = try table.bool("free") ?? false
        let input = try table.double("input")
        let output = try table.double("output")
        let cached = try table.double("cached")
        let batchInput = try table.double("batch_input")
        let batchOutput = try table.double("batch_output")
        let contextWindow = try table.int("context_window", range: 1_000...100_000_000)
        let cacheWrite = try table.double("cache_write")
        if !free, input == nil || output == nil {
            throw ConfigurationError(
                kind: .invalidValue, file: table.file, key: table.prefix,
                detail: "needs both input and output (dollars per million tokens), or free = true")
        }
        for (name, value) in [("input", input), ("output", output), ("cached", cached), ("batch_input", batchInput), ("batch_output", batchOutput), ("cache_write", cacheWrite)] {
            if let value, value < 0 {
                throw ConfigurationError(kind: .invalidValue, file: table.file, key: "\(table.prefix).\(name)", detail: "is negative")
            }
        }
        self.init(inputPerMillion: input ?? 0, outputPerMillion: output ?? 0, cachedPerMillion: cached, free: free,
                  batchInputPerMillion: batchInput, batchOutputPerMillion: batchOutput, cacheWritePerMillion: cacheWrite,
                  contextWindow: contextWindow)
    }
}

extension BudgetSettings {
    init(reading table: inout ConfigSection) throws {
        self.init()
        perRunUSD = try table.nonNegativeDouble("per_run_usd")
        perTicketUSD = try table.nonNegativeDouble("per_ticket_usd")
        perDayUSD = try table.nonNegativeDouble("per_day_usd")
        perRunTokens = try table.int("per_run_tokens", range: 1...Int(Int32.max))
    }
}

extension ConfigSection {
    fileprivate mutating func nonNegativeDouble(_ key: String) throws -> Double? {
        guard let value = try double(key) else { return nil }
        guard value >= 0 else {
            throw ConfigurationError(kind: .invalidValue, file: file, key: prefix.isEmpty ? key : "\(prefix).\(key)", detail: "is negative")
        }
        return value
    }
}
