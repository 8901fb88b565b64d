import FixloopCore
import FixloopExportGenerator
import FixloopIngest
import FixloopStore
import Foundation
import Subprocess

/// `fixloop bench ingest`'s measurement: a generated PostHog export imported into a fresh store and sessionized
/// by Fixloop, then by the plain Python loader in `Benchmarks/ingest_baseline.py`, in the same run.
struct IngestBenchmark {
    /// One loader's figures.
    struct Figures: Sendable, Codable {
        var read: Int
        var stored: Int
        var sessions: Int
        var seconds: Double
        /// The import alone; the rest of `seconds` is reading the sessions back.
        var importSeconds: Double
        /// Processor time (user and system, every thread): what the work costs whatever else the machine runs.
        var cpuSeconds: Double
        var peakMiB: Double
        var eventsPerSecond: Double { seconds > 0 ? Double(read) / seconds : 0 }

        enum CodingKeys: String, CodingKey {
            case read, stored, sessions, seconds, importSeconds = "import_seconds", cpuSeconds = "cpu_seconds"
            case peakMiB = "peak_mib"
        }
    }

    /// Both loaders, and how much faster Fixloop was.
    struct Result: Sendable, Codable {
        var events: Int
        var exportMiB: Double
        var fixloop: Figures
        var python: Figures
        /// Fixloop importing into PostgreSQL (`--postgres`), when asked.
        var postgres: Figures?
        var ratio: Double { python.seconds > 0 && fixloop.seconds > 0 ? python.seconds / fixloop.seconds : 0 }
        /// How much less processor time Fixloop used (it may use two threads, so this can be below `ratio`).
        var cpuRatio: Double { python.cpuSeconds > 0 && fixloop.cpuSeconds > 0 ? python.cpuSeconds / fixloop.cpuSeconds : 0 }

        enum CodingKeys: String, CodingKey { case events, exportMiB = "export_mib", fixloop, python, postgres }
    }

    let events: Int
    let baselineScript: URL
    let folder: URL
    /// An export to measure on instead of a generated one.
    var givenExport: URL?
    /// A scratch PostgreSQL database to import into as well.
    var postgres: PostgresTarget?
    /// Told of each stage as it starts.
    var stage: @Sendable (String) -> Void = { _ in }

    /// Generates the export (unless one is given), then measures Fixloop and the baseline on it.
    func measure() async throws -> Result {
        let export = givenExport ?? folder.appendingPathComponent("export.jsonl")
        // Both loaders start from an empty database, also in a kept folder used before.
        for name in ["fixloop", "python"] {
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent("\(name).sqlite\(suffix)"))
            }
        }
        if givenExport == nil {
            stage("generating a PostHog export of \(events) events")
            try generate(to: export)
        }
        let size = (try FileManager.default.attributesOfItem(atPath: export.path)[.size] as? NSNumber)?.doubleValue ?? 0
        // Read once before either loader is timed: the first to run would otherwise pay alone for a file that has
        // gone cold (seen here: a million-event run took 10.8 s of processor time instead of 8 on a cold export).
        try Self.readThrough(export)
        stage("importing with fixloop")
        let fixloop = try measureFixloop(export)
        stage("importing with the Python loader")
        let python = try await measureBaseline(export)
        var result = Result(events: fixloop.read, exportMiB: size / 1_048_576, fixloop: fixloop, python: python)
        if let postgres {
            stage("importing with fixloop into PostgreSQL at \(postgres.url)")
            result.postgres = try await measurePostgres(export, target: postgres)
        }
        return result
    }

    private func generate(to export: URL) throws {
        var options = PostHogExportGenerator.Options()
        options.sessions = try Self.sessionsFor(events: events)
        options.users = max(40, options.sessions / 4)
        options.maximumEvents = events
        options.sessionlessRate = 0.05
        _ = try PostHogExportGenerator(options: options).write(to: export)
    }

    /// Imports and sessionizes in this process; the peak is reset first, so generation does not count.
    private func measureFixloop(_ export: URL) throws -> Figures {
        ProcessMemory.resetPeak()
        let cpuStart = ProcessMemory.cpuSeconds()
        let start = ContinuousClock.now
        let database = try FixloopDatabase(url: folder.appendingPathComponent("fixloop.sqlite"))
        var sink = SQLiteEventSink(database: database)
        let report = try AnalyticsImporter(format: .posthog).importFiles([export], into: &sink)
        let imported = ContinuousClock.now
        var sessions = 0
        try SQLiteSessionReader(database: database).forEachSession { _ in sessions += 1 }
        let elapsed = ContinuousClock.now - start
        return Figures(
            read: report.read, stored: report.stored, sessions: sessions, seconds: Self.seconds(elapsed),
            importSeconds: Self.seconds(imported - start), cpuSeconds: ProcessMemory.cpuSeconds() - cpuStart,
            peakMiB: ProcessMemory.peakMiB() ?? 0)
    }

    private func measureBaseline(_ export: URL) async throws -> Figures {
        let result = try await Subprocess.run(
            .name("python3"),
            arguments: [baselineScript.path, export.path, folder.appendingPathComponent("python.sqlite").path],
            output: .string(limit: 1 << 16), error: .string(limit: 8192))
        guard case .exited(0) = result.terminationStatus,
            let object = try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
            let read = object["read"] as? Int, let stored = object["stored"] as? Int,
            let sessions = object["sessions"] as? Int, let seconds = object["seconds"] as? Double,
            let importSeconds = object["import_seconds"] as? Double, let cpuSeconds = object["cpu_seconds"] as? Double,
            let peak = object["peak_kib"] as? Int
        else {
            throw CommandError(
                code: "bench.baseline_failed",
                message: "The Python baseline \(baselineScript.path) failed (\(result.terminationStatus)): \(result.standardError)")
        }
        return Figures(
            read: read, stored: stored, sessions: sessions, seconds: seconds, importSeconds: importSeconds,
            cpuSeconds: cpuSeconds, peakMiB: Double(peak) / 1024)
    }

    /// Reads `file` to its end and drops what it read.
    static func readThrough(_ file: URL) throws {
        var source = try FileByteSource(url: file, chunkSize: 1 << 20)
        while try source.nextChunk() != nil {}
    }

    /// How many sessions make about `events` events, from the generator's own mean on a sample.
    static func sessionsFor(events: Int) throws -> Int {
        var options = PostHogExportGenerator.Options()
        options.sessions = 200
        let sample = PostHogExportGenerator(options: options).generate { _ in }
        let mean = Double(sample.reduce(0) { $0 + $1.eventCount }) / Double(max(1, sample.count))
        return max(1, Int((Double(events) / max(1, mean) * 1.1).rounded(.up)))
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }
}
