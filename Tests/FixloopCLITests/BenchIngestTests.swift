@testable import FixloopCLI
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// `fixloop bench ingest` on a small export: both loaders read, store and sessionize the same events.
struct BenchIngestTests {
    @Test func bothLoadersAgreeOnASmallExport() async throws {
        try await withTemporaryDirectory("fixloop-bench-ingest") { root in
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Benchmarks/ingest_baseline.py")
            let (status, text) = await runFixloop(
                ["bench", "ingest", "--events", "3000", "--baseline", script.path, "--json"],
                environment: ["FIXLOOP_HOME": root.path, "HOME": root.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
            #expect(status == 0, "\(text)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let fixloop = try #require(result["fixloop"] as? [String: Any])
            let python = try #require(result["python"] as? [String: Any])
            #expect(result["events"] as? Int == 3000)
            #expect(fixloop["read"] as? Int == 3000 && python["read"] as? Int == 3000)
            #expect(fixloop["stored"] as? Int == python["stored"] as? Int)
            #expect(fixloop["sessions"] as? Int == python["sessions"] as? Int)
            #expect((fixloop["peak_mib"] as? Double ?? 0) > 0 && (python["peak_mib"] as? Double ?? 0) > 0)
        }
    }

    @Test func theTextRunTellsEachStageOnStandardErrorAndTheJSONRunNone() async throws {
        try await withTemporaryDirectory("fixloop-bench-ingest") { root in
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Benchmarks/ingest_baseline.py")
            let environment = ["FIXLOOP_HOME": root.path, "HOME": root.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            let arguments = ["bench", "ingest", "--events", "1000", "--baseline", script.path]
            let (status, output, errors) = await runFixloopSeparately(arguments, environment: environment)
            #expect(status == 0, "\(output)\(errors)")
            #expect(errors.split(separator: "\n") == [
                "bench ingest: generating a PostHog export of 1000 events", "bench ingest: importing with fixloop",
                "bench ingest: importing with the Python loader"], "\(errors)")
            #expect(output.hasPrefix("ingest benchmark: 1000 generated PostHog events"), "\(output)")
            let (again, _, quiet) = await runFixloopSeparately(arguments + ["--json"], environment: environment)
            #expect(again == 0 && quiet.isEmpty, "\(quiet)")
        }
    }
}
