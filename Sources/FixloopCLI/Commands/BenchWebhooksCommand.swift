import ArgumentParser
import Foundation

/// `fixloop bench webhooks`: signed deliveries at the PR bot's server on loopback.
struct BenchWebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Drive signed webhook deliveries at the server on loopback; print accepted/s and p50/p99 (goal: ≥ 1000/s, p99 < 50 ms).")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Deliveries to send.", valueName: "n")) var deliveries = 5000
    @Option(help: ArgumentHelp("Deliveries in flight at once.", valueName: "n")) var concurrency = 16
    @Flag(help: "Print the figures as JSON.") var json = false

    func validate() throws {
        guard (1...1_000_000).contains(deliveries) else { throw ValidationError("--deliveries must be between 1 and 1000000.") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256.") }
    }

    func run() async throws {
        let context = try global.context()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-bench-webhooks-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        BenchStages.writer("webhooks", json: json)("sending \(deliveries) signed deliveries, \(concurrency) in flight, to the real server on loopback")
        let result = try await WebhookBenchmark(deliveries: deliveries, concurrency: concurrency, folder: folder).measure()
        if json { return try context.printJSON(result) }
        let met = result.acceptedPerSecond >= 1000 && result.p99Milliseconds < 50 && result.accepted == result.deliveries
        context.print("""
            webhooks: \(result.accepted)/\(result.deliveries) accepted in \(String(format: "%.2f", result.seconds)) s \
            (\(result.bodyBytes)-byte signed issues.labeled deliveries, \(result.concurrency) in flight, each queueing a job)
            accepted/s  \(String(format: "%.0f", result.acceptedPerSecond))
            latency     p50 \(String(format: "%.2f", result.p50Milliseconds)) ms · p99 \(String(format: "%.2f", result.p99Milliseconds)) ms · max \(String(format: "%.2f", result.maxMilliseconds)) ms
            goal (≥ 1000/s, p99 < 50 ms): \(met ? "met" : "missed")
            """)
    }
}
