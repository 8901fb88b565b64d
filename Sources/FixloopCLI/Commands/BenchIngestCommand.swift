import ArgumentParser
import FixloopPostgres
import Foundation

/// `fixloop bench ingest`: analytics import and sessionizing against a plain Python loader, in the same run.
struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Import and sessionize a generated PostHog export against a plain Python json + sqlite3 loader (goal: ≥ 5×).")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Events in the generated export.", valueName: "n")) var events = 1_000_000

    @Option(help: ArgumentHelp("The Python loader (default: Benchmarks/ingest_baseline.py here or in the source tree).", valueName: "file"))
    var baseline: String?

    @Option(help: ArgumentHelp("Keep the generated export and both databases in this folder.", valueName: "folder"))
    var keep: String?

    @Option(help: ArgumentHelp("Measure on this PostHog JSON-lines export instead of generating one.", valueName: "file"))
    var export: String?

    @Option(help: ArgumentHelp("Also import into this PostgreSQL database (a scratch one without events; they are deleted after).", valueName: "url"))
    var postgres: String?

    @Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        if events < 1 || events > 100_000_000 { throw ValidationError("--events must be between 1 and 100000000.") }
    }

    func run() async throws {
        let context = try global.context()
        let script = try Self.baselineScript(baseline)
        let folder = keep.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-bench-ingest-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        var benchmark = IngestBenchmark(events: events, baselineScript: script, folder: folder)
        benchmark.givenExport = export.map { URL(fileURLWithPath: $0) }
        benchmark.stage = BenchStages.writer("ingest", json: json)
        benchmark.postgres = try postgres.map {
            IngestBenchmark.PostgresTarget(url: try PostgresURL(parsing: $0), password: EdgeSecrets(context.environment).databasePassword)
        }
        let result = try await benchmark.measure()
        if json { return try context.printJSON(result) }
        let verdict = result.ratio >= 5 ? "met" : "missed"
        context.print("""
            ingest benchmark: \(result.events) \(export == nil ? "generated " : "")PostHog events, \(format(result.exportMiB)) MiB of JSON lines
              fixloop  \(line(result.fixloop))
              python   \(line(result.python))\(result.postgres.map { "\n  postgres \(line($0))" } ?? "")
              ratio    \(format(result.ratio))× the Python loader's speed (goal ≥ 5×: \(verdict)); \(format(result.cpuRatio))× less processor time
            """)
    }

    private func line(_ figures: IngestBenchmark.Figures) -> String {
        "\(Int(figures.eventsPerSecond.rounded())) events/s · \(format(figures.seconds)) s "
            + "(import \(format(figures.importSeconds)) s) · cpu \(format(figures.cpuSeconds)) s · stored \(figures.stored) · "
            + "sessions \(figures.sessions) · peak \(format(figures.peakMiB)) MiB"
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }

    /// The loader: the option, else `Benchmarks/ingest_baseline.py` in the current folder or the source tree.
    static func baselineScript(_ option: String?) throws -> URL {
        let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidates = option.map { [$0] } ?? [
            FileManager.default.currentDirectoryPath + "/Benchmarks/ingest_baseline.py",
            sourceTree.appendingPathComponent("Benchmarks/ingest_baseline.py").path,
        ]
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw CommandError(
                code: "bench.baseline_missing",
                message: "The Python loader \(candidates[0]) was not found; pass --baseline with the path to Benchmarks/ingest_baseline.py.")
        }
        return URL(fileURLWithPath: found)
    }
}
