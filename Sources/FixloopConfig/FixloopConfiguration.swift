import FixloopCore
import Foundation
import TOMLKit

/// Everything `fixloop.toml` can say, one typed table per component, each with its defaults.
///
/// Secrets are never read from the file: tokens and keys come only from the environment, at the edge.
public struct FixloopConfiguration: Sendable, Equatable {
    /// The `[git]` table.
    public var git = GitSettings()
    /// The `[models]` table.
    public var models = ModelSettings()
    /// Dollars per million tokens, by model: the shipped list with the `[prices]` table over it.
    public var prices = ShippedPrices.table
    /// The `[budgets]` table.
    public var budgets = BudgetSettings()
    /// The `[rate_limits]` table, by spec or provider.
    public var rateLimits = RateLimitTable()
    /// The `[scorer]` table.
    public var scorer = ScorerSettings()
    /// The `[planner]` table.
    public var planner = PlannerSettings()
    /// The PR bot (`[serve]`).
    public var serve = ServeSettings()
    /// The `[engineer]` table: how much of a ticket is read and shown to the model.
    public var engineer = TicketLimits()
    /// The `[sandbox]` table: the operator's extra read-only paths.
    public var sandbox = SandboxSettings()
    /// The `[posthog]` table: the instance and project, `score --posthog` pulls from, and replay links.
    public var posthog = PostHogSettings()
    /// The `[product]` table: the product's name on the review.
    public var product = ProductSettings()
    /// The `[report]` table: where the week's review is published and announced.
    public var report = ReportSettings()
    /// The `[store]` table: where the queue and the ledger live (SQLite here, or a shared PostgreSQL).
    public var store = StoreSettings()
    /// `prompts_dir` (a top-level key): a folder of templates searched before the bundled `prompts/`, laid out the
    /// same way (`engineer/pull-request.mustache`); an absolute path, relative ones resolved against the file's folder.
    public var promptsDirectory: String?
    /// The file this configuration came from; nil when defaults were used.
    public var sourceFile: String?

    public init() {}

    /// Parses configuration text.
    /// - Parameters:
    ///   - text: the TOML document.
    ///   - file: the path named in errors.
    /// - Throws: ``ConfigurationError`` for malformed TOML, unknown keys, wrong types and out-of-range values.
    public init(toml text: String, file: String) throws {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                kind: .malformed, file: file, key: nil,
                detail: "line \(error.source.begin.line), column \(error.source.begin.column)")
        }
        var root = ConfigSection(file: file, prefix: "", values: ConfigValue.dictionary(table))
        promptsDirectory = try Self.promptsDirectory(&root)
        var gitTable = try root.section("git")
        git = try GitSettings(reading: &gitTable)
        try gitTable.finish()
        try readModelTables(&root)
        var scorerTable = try root.section("scorer")
        scorer = try ScorerSettings(reading: &scorerTable)
        try scorerTable.finish()
        var plannerTable = try root.section("planner")
        planner = try PlannerSettings(reading: &plannerTable)
        try plannerTable.finish()
        var serveTable = try root.section("serve")
        serve = try ServeSettings(reading: &serveTable)
        try serveTable.finish()
        var engineerTable = try root.section("engineer")
        engineer = try TicketLimits(reading: &engineerTable)
        try engineerTable.finish()
        var sandboxTable = try root.section("sandbox")
        sandbox = try SandboxSettings(reading: &sandboxTable)
        try sandboxTable.finish()
        try readLinkTables(&root)
        var reportTable = try root.section("report")
        report = try ReportSettings(reading: &reportTable)
        try reportTable.finish()
        var storeTable = try root.section("store")
        store = try StoreSettings(reading: &storeTable)
        try storeTable.finish()
        try root.finish()
        sourceFile = file
    }

    /// Reads `prompts_dir`, resolved against the configuration file's folder; it must name an existing folder.
    private static func promptsDirectory(_ root: inout ConfigSection) throws -> String? {
        guard let value = try root.string("prompts_dir") else { return nil }
        let base = (root.file as NSString).deletingLastPathComponent
        let path = value.hasPrefix("/") ? value : ((base.isEmpty ? "." : base) as NSString).appendingPathComponent(value)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ConfigurationError(
                kind: .invalidValue, file: root.file, key: "prompts_dir",
                detail: "is \"\(value)\" but \(path) is not a folder of templates laid out like prompts/ (e.g. engineer/pull-request.mustache)")
        }
        return (path as NSString).standardizingPath
    }

    /// Finds and reads the configuration the way every command does.
    ///
    /// Order: the explicit path (`--config`), then `FIXLOOP_CONFIG`, then `fixloop.toml` in the current directory;
    /// with none of them, the defaults.
    /// - Parameters:
    ///   - explicitPath: the `--config` value, if any.
    ///   - environment: the process environment (read by the caller, at the edge).
    ///   - currentDirectory: where to look for `fixloop.toml`.
    /// - Throws: ``ConfigurationError`` when a named file is missing or the file is invalid.
    public static func load(
        explicitPath: String?, environment: [String: String], currentDirectory: String
    ) throws -> FixloopConfiguration {
        let named = explicitPath ?? environment["FIXLOOP_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let path: String
        if let named {
            path = named.hasPrefix("/") ? named : (currentDirectory as NSString).appendingPathComponent(named)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ConfigurationError(kind: .missingFile, file: path, key: nil, detail: "does not exist")
            }
        } else {
            path = (currentDirectory as NSString).appendingPathComponent("fixloop.toml")
            guard FileManager.default.fileExists(atPath: path) else { return FixloopConfiguration() }
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(kind: .unreadable, file: path, key: nil, detail: "cannot be read as UTF-8 text")
        }
        return try FixloopConfiguration(toml: text, file: path)
    }
}

extension GitSettings {
    init(reading table: inout ConfigSection) throws {
        self.init()
        if let value = try table.string("author_name") { authorName = value }
        if let value = try table.string("author_email") { authorEmail = value }
        if let value = try table.int("workspace_pool_size", range: 0...64) { workspacePoolSize = value }
        if let value = try table.strings("enterprise_hosts") { enterpriseHosts = value.map { $0.lowercased() } }
        if let value = try table.int("credential_attempts", range: 1...10) { credentialAttempts = value }
        if let value = try table.int("max_checkout_files", range: 1...100_000_000) { maxCheckoutFiles = value }
        if let value = try table.int("max_checkout_mb", range: 1...1_048_576) { maxCheckoutMB = value }
    }
}

extension PlannerSettings {
    init(reading table: inout ConfigSection) throws {
        self.init()
        if let value = try table.int("ticket_sessions", range: 1...1_000_000) { ticketSessions = value }
        if let value = try table.double("ticket_share") {
            guard (0...1).contains(value) else {
                throw ConfigurationError(kind: .invalidValue, file: table.file, key: "planner.ticket_share", detail: "is \(value) but must be between 0 and 1")
            }
            ticketShare = value
        }
        if let value = try table.int("ticket_share_minimum_sessions", range: 1...1_000_000) { ticketShareMinimumSessions = value }
        if let value = try table.int("flag_sessions", range: 1...1_000_000) { flagSessions = value }
        if let value = try table.int("examples", range: 0...50) { examples = value }
        if let value = try table.int("suspected_locations", range: 0...100) { suspectedLocations = value }
        if let value = try table.int("deploy_delay_hours", range: 0...8760) { deployDelayHours = value }
        if let value = try table.int("healed_days", range: 1...90) { healedDays = value }
        if let value = try table.int("outcome_window_days", range: 1...90) { outcomeWindowDays = value }
    }
}

extension ScorerSettings {
    init(reading table: inout ConfigSection) throws {
        self.init()
        if let value = try table.string("product_context") { productContext = value }
        if let value = try table.int("idle_gap_minutes", range: 1...1440) { idleGapMinutes = value }
        if let value = try table.string("grading") {
            guard let mode = GradingMode(rawValue: value) else {
                throw ConfigurationError(
                    kind: .invalidValue, file: table.file, key: "scorer.grading",
                    detail: "is \"\(value)\" but must be rubric, unsure or all")
            }
            grading = mode
        }
        if let value = try table.int("reported_problems", range: 0...1000) { reportedProblems = value }
        if let value = try table.int("concurrency", range: 1...64) { concurrency = value }
        if let value = try table.string("mode") {
            guard let mode = ScorerMode(rawValue: value) else {
                throw ConfigurationError(
                    kind: .invalidValue, file: table.file, key: "scorer.mode", detail: "is \"\(value)\" but must be direct or batch")
            }
            self.mode = mode
        }
        if let value = try table.double("batch_poll_seconds") {
            guard value > 0, value <= 3600 else {
                throw ConfigurationError(
                    kind: .invalidValue, file: table.file, key: "scorer.batch_poll_seconds", detail: "is \(value) but must be over 0 and at most 3600")
            }
            batchPollSeconds = value
        }
        if let value = try table.string("write_back"), !value.isEmpty {
            guard value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") else {
                throw ConfigurationError(
                    kind: .invalidValue, file: table.file, key: "scorer.write_back",
                    detail: "must be a postgres://user@host:port/database URL")
            }
            writeBack = value
        }
    }
}

extension TicketLimits {
    init(reading table: inout ConfigSection) throws {
        self.init()
        if let value = try table.int("max_ticket_bytes", range: 4096...(4 << 20)) { maxTicketBytes = value }
        if let value = try table.int("max_ticket_read_bytes", range: 4096...(64 << 20)) { maxReadBytes = value }
    }
}

extension ServeSettings {
    init(reading table: inout ConfigSection) throws {
        self.init()
        if let value = try table.string("host") { host = value }
        if let value = try table.int("port", range: 0...65535) { port = value }
        if let value = try table.int("workers", range: 1...64) { workers = value }
        if let value = try table.int("per_repository", range: 1...64) { perRepository = value }
        if let value = try table.string("label") { label = value }
        if let value = try table.int("lease_seconds", range: 10...3600) { leaseSeconds = value }
        if let value = try table.int("max_attempts", range: 1...10) { maxAttempts = value }
        if let value = try table.int("max_rounds", range: 0...20) { maxRounds = value }
        if let value = try table.int("max_rounds_per_day", range: 0...1000) { maxRoundsPerDay = value }
        if let value = try table.int("max_behind", range: 0...10_000) { maxBehind = value }
        if let value = try table.string("model") { model = value }
        if let value = try table.double("max_cost_usd") { maxCostUSD = value }
        if let value = try table.string("webhook_secret_file") { webhookSecretFile = value }
        if let value = try table.string("linear_repository") { linearRepository = value }
        if let value = try table.int("max_body_bytes", range: 1024...(25 << 20)) { maxBodyBytes = value }
        if let value = try table.string("admin_token_file") { adminTokenFile = value }
        if let value = try table.int("admin_port", range: 0...65535) { adminPort = value }
        if try table.string("admin_token") != nil {
            throw ConfigurationError(kind: .invalidValue, file: table.file, key: "serve.admin_token",
                                     detail: "is a secret, and secrets are not kept in fixloop.toml: put the token in a file named by admin_token_file, or in FIXLOOP_ADMIN_TOKEN")
        }
    }
}
