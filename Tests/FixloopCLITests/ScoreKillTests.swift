import FixloopExportGenerator
import FixloopScorer
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

@testable import FixloopCLI

/// A real `fixloop score` process killed (SIGKILL) in the middle of an import, then a rerun: every whole batch the
/// killed process committed stays, and the rerun stores exactly the rest.
struct ScoreKillTests {
    static var fixloopBinary: URL? {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let candidate = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("fixloop")
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }

    @Test(.enabled(if: fixloopBinary != nil, "needs the fixloop executable next to the test runner"))
    func aKilledImportThenARerunEndsWithExactCounts() async throws {
        try await withTemporaryDirectory("fixloop-score-kill") { root in
            var options = PostHogExportGenerator.Options()
            // Large enough that the import (two threads since the fast path) is still running when the first batch lands.
            options.sessions = 12_000
            options.maximumEvents = 150_000
            let export = root.appendingPathComponent("export.jsonl")
            let events = try PostHogExportGenerator(options: options).write(to: export).reduce(0) { $0 + $1.eventCount }
            let state = root.appendingPathComponent("state")
            let database = try FixloopDatabase(url: state.appendingPathComponent("fixloop.sqlite"))
            let sink = SQLiteEventSink(database: database)

            let process = Process()
            process.executableURL = try #require(Self.fixloopBinary)
            process.arguments = ["score", "--import", export.path, "--model", "none"]
            process.environment = ["FIXLOOP_HOME": state.path, "HOME": root.path, "PATH": "/usr/bin:/bin"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = ContinuousClock.now + .seconds(120)
            while try sink.count() == 0, process.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let committed = try sink.count()
            #expect(committed > 0 && committed < events, "killed after \(committed) of \(events) events")
            #expect(committed % 1000 == 0, "only whole batches are committed")

            let output = Mutex("")
            let status = await Fixloop.run(
                arguments: ["score", "--import", export.path, "--model", "none", "--json"],
                environment: ["FIXLOOP_HOME": state.path, "HOME": root.path, "PATH": "/usr/bin:/bin"],
                output: { text in output.withLock { $0 += text } }, errors: { text in output.withLock { $0 += text } })
            let text = output.withLock { $0 }
            #expect(status == 0, "\(text)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let counts = try #require(report["import"] as? [String: Any])
            #expect(counts["already_stored"] as? Int == committed)
            #expect(counts["stored"] as? Int == events - committed)
            #expect(try sink.count() == events)
        }
    }
}
