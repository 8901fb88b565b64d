import FixloopCore
import FixloopIngest
import FixloopPostgres
import Foundation

extension IngestBenchmark {
    /// `bench ingest --postgres URL`: the scratch database the export is also imported into.
    struct PostgresTarget: Sendable {
        var url: PostgresURL
        var password: Secret?
    }

    /// Imports into PostgreSQL (through `PostgresEventSink` on a storing thread, as `score` does) and reads the
    /// sessions back (`PostgresSessionReader`); the events are deleted after. The database must hold no events.
    /// - Throws: ``PostgresError``; ``CommandError`` (`bench.postgres_not_empty`) for a database that holds events.
    func measurePostgres(_ export: URL, target: PostgresTarget) async throws -> Figures {
        let store = try await PostgresStore.open(url: target.url, password: target.password, poolSize: 2)
        defer { store.close() }
        let sink = PostgresEventSink(store: store)
        let held = try await StoringThread.run { try sink.count() }
        guard held == 0 else {
            throw CommandError(
                code: "bench.postgres_not_empty",
                message: "bench ingest --postgres needs a database without events, and \(target.url) holds \(held); give it a scratch database (createdb fixloop_bench).")
        }
        ProcessMemory.resetPeak()
        let cpuStart = ProcessMemory.cpuSeconds()
        let start = ContinuousClock.now
        let (report, imported, sessions) = try await StoringThread.run { () throws -> (ImportReport, ContinuousClock.Instant, Int) in
            var sink = sink
            let report = try AnalyticsImporter(format: .posthog).importFiles([export], into: &sink)
            let imported = ContinuousClock.now
            var sessions = 0
            try PostgresSessionReader(store: store).forEachSession(since: nil, until: nil) { _ in sessions += 1 }
            return (report, imported, sessions)
        }
        let elapsed = ContinuousClock.now - start
        let figures = Figures(
            read: report.read, stored: report.stored, sessions: sessions, seconds: Self.seconds(elapsed),
            importSeconds: Self.seconds(imported - start), cpuSeconds: ProcessMemory.cpuSeconds() - cpuStart,
            peakMiB: ProcessMemory.peakMiB() ?? 0)
        try await store.withConnection { connection, logger in
            try await connection.query("TRUNCATE analytics_event, analytics_event_context", logger: logger)
        }
        return figures
    }
}
