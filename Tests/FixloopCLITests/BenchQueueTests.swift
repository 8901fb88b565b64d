@testable import FixloopCLI
import FixloopTesting
import Foundation
import Testing

/// `fixloop bench queue`: worker processes of the built binary empty a shared queue; every job is claimed once.
struct BenchQueueTests {
    @Test(.timeLimit(.minutes(6)))
    func everyJobIsClaimedOnceByOneAndByThreeWorkerProcesses() async throws {
        let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("fixloop")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-bench-queue") { root in
            let (status, text) = await runFixloop(["bench", "queue", "--workers", "1,3", "--jobs", "60", "--json"],
                                                  environment: ["FIXLOOP_HOME": root.path, "HOME": root.path, "PATH": "/usr/bin:/bin"])
            #expect(status == 0, "\(text)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let rows = try #require(result["rows"] as? [[String: Any]])
            #expect(rows.map { $0["processes"] as? Int } == [1, 1, 3])
            #expect(rows.allSatisfy { $0["claims"] as? Int == 60 }, "each queue emptied, no job twice: \(rows)")
            #expect(rows.first?["store"] as? String == "sqlite")
            let shared = PostgresTestCluster.isAvailable ? "postgresql" : "sqlite (shared file)"
            #expect(rows.dropFirst().allSatisfy { $0["store"] as? String == shared })
        }
    }
}
