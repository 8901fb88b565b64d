import ArgumentParser
import FixloopScorer
import Foundation

/// `fixloop bench grading`: sessions graded per minute one at a time and with the scorer's pool, in the same run,
/// against a loopback model server with a fixed latency.
struct BenchGradingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grading",
        abstract: "Grade a generated week one session at a time and with the grading pool against a loopback model (goal: ≥ 10×).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Sessions in the generated week.") var sessions = 500

    @Option(help: ArgumentHelp("The loopback model's latency per call.", valueName: "ms")) var latencyMs = 300

    @Option(help: ArgumentHelp("Graders in the pool (default: [scorer] concurrency).", valueName: "n")) var concurrency: Int?

    @Option(help: ArgumentHelp("The product context the grading prompts carry (default: none).", valueName: "file"))
    var product: String?

    @Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        if sessions < 1 || sessions > 100_000 { throw ValidationError("--sessions must be between 1 and 100000.") }
        if latencyMs < 0 || latencyMs > 60_000 { throw ValidationError("--latency-ms must be between 0 and 60000.") }
        if let concurrency, concurrency < 1 || concurrency > 64 { throw ValidationError("--concurrency must be between 1 and 64.") }
    }

    func run() async throws {
        let context = try global.context()
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-bench-grading-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var benchmark = GradingBenchmark(
            sessions: sessions, latency: .milliseconds(latencyMs),
            concurrency: concurrency ?? context.configuration.scorer.concurrency, folder: folder, prompts: context.prompts)
        benchmark.stage = BenchStages.writer("grading", json: json)
        if let product { benchmark.product = try ProductContext(contentsOf: URL(fileURLWithPath: product)) }
        let result = try await benchmark.measure()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            context.print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        let verdict = result.ratio >= 10 ? "met" : "missed"
        let off = result.concurrent.billedInputPerSession(cachedShare: result.cachedShare)
        let on = result.cached.billedInputPerSession(cachedShare: result.cachedShare)
        context.print("""
            grading benchmark: \(result.sessions) generated sessions, loopback model answering after \(result.latencyMilliseconds) ms
              concurrency \(result.sequential.concurrency)   \(line(result.sequential))
              concurrency \(result.concurrent.concurrency)   \(line(result.concurrent))
              ratio    \(format(result.ratio))× the sessions per minute of one grader (goal ≥ 10×: \(verdict))
              caching  billed input tokens per graded session \(Int(off.rounded())) without a prompt cache, \(Int(on.rounded())) with one \
            (cached at \(format(result.cachedShare))× input): \(format(result.cacheRatio))× (goal ≤ 0.4×: \(result.cacheRatio <= 0.4 ? "met" : "missed"))
            """)
    }

    private func line(_ figures: GradingBenchmark.Figures) -> String {
        "\(Int(figures.sessionsPerMinute.rounded())) sessions/min · \(format(figures.seconds)) s · model calls \(figures.modelCalls)"
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
