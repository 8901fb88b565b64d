import FixloopCLI
import FixloopCore
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// `fixloop models check` and `fixloop spend` through `Fixloop.run`, with the environment passed in.
@Suite struct ModelCommandTests {
    /// Collects what a command writes.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [String] = []
        func append(_ text: String) { lock.withLock { parts.append(text) } }
        var text: String { lock.withLock { parts.joined() } }
    }

    struct Run {
        let status: Int32
        let output: String
        let errors: String
    }

    func fixloop(_ arguments: [String], environment: [String: String]) async -> Run {
        let output = Collected()
        let errors = Collected()
        let status = await Fixloop.run(
            arguments: arguments, environment: environment, output: { output.append($0) }, errors: { errors.append($0) })
        return Run(status: status, output: output.text, errors: errors.text)
    }

    func writeConfig(_ text: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("fixloop.toml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: bothProtocols)
    func checkReportsLatencyTokensAndPriceFromALoopbackServer(wire: LoopbackModelServer.WireProtocol) async throws {
        let home = try makeTemporaryDirectory()
        let spec = wire == .openAI ? "openai:check-model" : "anthropic:check-model"
        let config = try writeConfig("""
            [prices."\(spec)"]
            input = 2.0
            output = 8.0
            """, in: home)
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.text("ok", inputTokens: 20, outputTokens: 1))
            let run = await fixloop(["models", "check", "--model", spec, "--config", config, "--state-dir", home.path], environment: [
                "OPENAI_BASE_URL": server.baseURL.absoluteString, "ANTHROPIC_BASE_URL": server.baseURL.absoluteString,
                "OPENAI_API_KEY": testKey.reveal(), "ANTHROPIC_API_KEY": testKey.reveal(),
            ])
            #expect(run.status == 0, "\(run.errors)")
            #expect(run.output.contains("model     \(spec) at \(server.baseURL.absoluteString)"))
            #expect(run.output.contains("latency   "))
            #expect(run.output.contains("tokens    20 in, 1 out, 0 cached"))
            #expect(run.output.contains("price     $0.000048"))
            #expect(!run.output.contains(testKey.reveal()))
            #expect(await server.received().count == 1)

            let spend = await fixloop(["spend", "--by", "run", "--json", "--state-dir", home.path, "--config", config], environment: [:])
            #expect(spend.status == 0, "\(spend.errors)")
            let rows = try JSONValue(parsing: spend.output)
            #expect(rows[0]?["key"] == "models-check")
            #expect(rows[0]?["calls"] == 1)
            #expect(rows[0]?["usage"]?["input_tokens"] == 20)
        }
    }

    @Test func checkWithoutAKeyForThePublicAPISaysWhatToSet() async throws {
        let home = try makeTemporaryDirectory()
        let run = await fixloop(["models", "check", "--model", "openai:gpt-4o-mini", "--state-dir", home.path], environment: [:])
        #expect(run.status == 2)
        #expect(run.errors.contains("OPENAI_API_KEY is not set"))
        #expect(run.errors.contains("[models.configuration]"))
        #expect(run.output.isEmpty)
    }

    @Test func checkNamesTheModelWhenTheServerDoesNotKnowIt() async throws {
        let home = try makeTemporaryDirectory()
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.status(404, message: "The model 'gpt-typo' does not exist"))
            let run = await fixloop(["models", "check", "--model", "openai:gpt-typo", "--state-dir", home.path],
                                    environment: ["OPENAI_BASE_URL": server.baseURL.absoluteString])
            #expect(run.status == 2)
            #expect(run.errors.contains("check the model name 'openai:gpt-typo'"))
            #expect(run.errors.contains(server.baseURL.absoluteString))
        }
    }

    @Test func checkIsRefusedForAnUnpricedModelUnderAMoneyBudget() async throws {
        let home = try makeTemporaryDirectory()
        let config = try writeConfig("[budgets]\nper_day_usd = 1", in: home)
        try await withLoopbackModelServer(.openAI) { server in
            let run = await fixloop(["models", "check", "--model", "openai:local", "--config", config, "--state-dir", home.path],
                                    environment: ["OPENAI_BASE_URL": server.baseURL.absoluteString])
            #expect(run.status == 2)
            #expect(run.errors.contains("has no price"))
            #expect(await server.received().isEmpty)
        }
    }

    @Test func checkCanRecordAndThenReplay() async throws {
        let home = try makeTemporaryDirectory()
        let recording = home.appendingPathComponent("check.jsonl").path
        try await withLoopbackModelServer(.anthropic) { server in
            await server.enqueue(.text("ok"))
            let run = await fixloop(["models", "check", "--model", "anthropic:m", "--record", recording, "--state-dir", home.path],
                                    environment: ["ANTHROPIC_BASE_URL": server.baseURL.absoluteString, "ANTHROPIC_API_KEY": testKey.reveal()])
            #expect(run.status == 0, "\(run.errors)")
        }
        let text = try String(contentsOfFile: recording, encoding: .utf8)
        #expect(!text.contains(testKey.reveal()))
        #expect(text.contains("Reply with the single word"))
        // The run's own log gets the same call, redacted, and grows across runs.
        let log = home.appendingPathComponent("runs/models-check/model-calls.jsonl").path
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 1)
        let replay = await fixloop(["models", "check", "--model", "replay:\(recording)", "--json", "--state-dir", home.path], environment: [:])
        #expect(replay.status == 0, "\(replay.errors)")
        let report = try JSONValue(parsing: replay.output)
        #expect(report["reply"] == "ok")
        #expect(report["cost_usd"] == 0)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[1].contains("\"index\":1"))
        #expect(!lines.joined().contains(testKey.reveal()))
    }

    @Test func spendRefusesAPeriodItDoesNotUnderstand() async throws {
        let home = try makeTemporaryDirectory()
        let run = await fixloop(["spend", "--since", "last tuesday", "--state-dir", home.path], environment: [:])
        #expect(run.status == 2)
        #expect(run.errors.contains("'last tuesday'") && run.errors.contains("ISO 8601"), "\(run.errors)")
    }

    @Test func spendPrintsATableWithATotal() async throws {
        let home = try makeTemporaryDirectory()
        let run = await fixloop(["spend", "--by", "ticket", "--state-dir", home.path], environment: [:])
        #expect(run.status == 0, "\(run.errors)")
        // Not a terminal: rows only, no header row.
        let lines = run.output.split(separator: "\n")
        #expect(lines.count == 1 && lines.last?.hasPrefix("total") == true, "\(run.output)")
    }

    @Test func spendCountsCacheWritesAndShowsWhatThePromptCacheSaved() async throws {
        let home = try makeTemporaryDirectory()
        let ledger = SQLiteLedgerStore(database: try FixloopDatabase(url: home.appendingPathComponent("fixloop.sqlite")))
        let usage = TokenUsage(inputTokens: 100, outputTokens: 10, cachedInputTokens: 2000, cacheWriteInputTokens: 1000)
        for _ in 0..<2 {
            try await ledger.record(LedgerEntry(
                date: Date(), attribution: CallAttribution(runID: "score-1"), model: "anthropic:claude-sonnet-4-5",
                usage: usage, costUSD: 0.0048, latencyMilliseconds: 5))
        }
        let run = await fixloop(["spend", "--by", "run", "--state-dir", home.path], environment: [:])
        #expect(run.status == 0, "\(run.errors)")
        // Twice (2000 × (3 − 0.30) − 1000 × (3.75 − 3)) per million at Sonnet 4.5's list prices.
        #expect(run.output.contains("prompt cache: 4000 input tokens read from it, 2000 written to it; saved $0.0093"), "\(run.output)")
        let json = await fixloop(["spend", "--by", "run", "--json", "--state-dir", home.path], environment: [:])
        #expect(json.output.contains("\"cache_write_input_tokens\" : 2000"), "\(json.output)")
    }
}
