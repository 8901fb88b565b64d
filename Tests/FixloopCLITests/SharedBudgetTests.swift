import FixloopCore
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// Two real `fixloop` processes on one state directory spend against one shared budget: the holds of calls in
/// flight live in the store, so together they never cross it.
///
/// The shared budget is `[budgets] per_day_usd`: `--max-cost` (`per_run_usd`) caps one run, and a run lives in one
/// process, so the caps that two processes share are the per-day and per-ticket ones.
@Suite(.serialized)
struct SharedBudgetTests {
    /// One cent a token either way: `models check`'s request is at most 10 input and 16 output tokens, $0.26.
    static let config = """
        [prices."openai:test-model"]
        input = 10000.0
        output = 10000.0

        [budgets]
        per_day_usd = 0.40
        """

    @Test func twoProcessesCallingAtOnceNeverCrossTheirSharedDayBudget() async throws {
        let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("fixloop")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-shared-budget") { root in
            let config = root.appendingPathComponent("fixloop.toml")
            try Self.config.write(to: config, atomically: true, encoding: .utf8)
            let state = root.appendingPathComponent("state")
            try await withLoopbackModelServer(.openAI) { model in
                // Each reply comes late, so both processes' calls would be in flight together; each costs its worst case.
                await model.enqueue(contentsOf: Array(repeating: .after(.seconds(3), .text("ok", inputTokens: 10, outputTokens: 16)), count: 2))
                let environment = [
                    "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key", "FIXLOOP_HOME": state.path,
                    "FIXLOOP_CONFIG": config.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": root.path,
                ]
                async let first = Self.run(binary, ["models", "check", "--model", "openai:test-model"], environment: environment)
                async let second = Self.run(binary, ["models", "check", "--model", "openai:test-model"], environment: environment)
                let runs = try await [first, second]
                let answered = runs.filter { $0.status == 0 }
                let refused = runs.filter { $0.status != 0 }
                #expect(answered.count == 1, "one call fits $0.40: \(runs)")
                #expect(refused.count == 1 && refused.first?.errors.contains("budgets.per_day_usd") == true, "\(runs)")
                let ledger = SQLiteLedgerStore(database: try FixloopDatabase(url: state.appendingPathComponent("fixloop.sqlite")))
                let total = try await ledger.totalCostUSD()
                #expect(total <= 0.40 && total > 0, "the ledger's total \(total) is within the cap")
                #expect(await model.received().count == 1, "the refused call was never sent")
                #expect(try await ledger.liveHolds(at: Date()) == 0, "the answered call settled its hold")
            }
        }
    }

    /// The same on two machines: each process has its own `FIXLOOP_HOME`, and the ledger is one PostgreSQL database
    /// named by `[store] url`, so its holds are what keeps the two under the day's cap.
    @Test(.enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
    func twoMachinesSharingOnePostgreSQLLedgerNeverCrossTheirDayBudget() async throws {
        let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("fixloop")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the fixloop product first")
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        try await withTemporaryDirectory("fixloop-shared-budget-pg") { root in
            let config = root.appendingPathComponent("fixloop.toml")
            try (Self.config + "\n\n[store]\nurl = \"\(cluster.url(database: database))\"\npool_size = 2\n").write(to: config, atomically: true, encoding: .utf8)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(contentsOf: Array(repeating: .after(.seconds(3), .text("ok", inputTokens: 10, outputTokens: 16)), count: 2))
                func environment(_ machine: String) -> [String: String] {
                    ["OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key",
                     "FIXLOOP_HOME": root.appendingPathComponent(machine).path, "FIXLOOP_CONFIG": config.path,
                     "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": root.path]
                }
                async let first = Self.run(binary, ["models", "check", "--model", "openai:test-model"], environment: environment("a"))
                async let second = Self.run(binary, ["models", "check", "--model", "openai:test-model"], environment: environment("b"))
                let runs = try await [first, second]
                #expect(runs.filter { $0.status == 0 }.count == 1, "one call fits $0.40: \(runs)")
                #expect(runs.filter { $0.status != 0 && $0.errors.contains("budgets.per_day_usd") }.count == 1, "\(runs)")
                let total = Double(try cluster.psql(database: database, "SELECT COALESCE(SUM(cost_usd), 0) FROM model_call")
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
                #expect(total <= 0.40 && total > 0, "the shared ledger's total \(total) is within the cap")
                #expect(await model.received().count == 1, "the refused call was never sent")
                let holds = try cluster.psql(database: database, "SELECT count(*) FROM ledger_hold").trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(holds == "0", "the answered call settled its hold")
            }
        }
    }

    struct Finished: Sendable, CustomStringConvertible {
        let status: Int32
        let output: String
        let errors: String
        var description: String { "exit \(status): \(output) \(errors)" }
    }

    /// Runs the binary to its end without blocking a cooperative thread.
    static func run(_ binary: URL, _ arguments: [String], environment: [String: String]) async throws -> Finished {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Finished(
            status: status, output: String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            errors: String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }
}
