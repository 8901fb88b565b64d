@testable import FixloopCLI
import FixloopTesting
import Foundation
import Testing

/// `fixloop bench grading` on a small week: both runs grade every session through the model, the pool faster.
struct BenchGradingTests {
    @Test func bothRunsGradeEverySessionAndThePoolIsFaster() async throws {
        try await withTemporaryDirectory("fixloop-bench-grading") { root in
            let (status, text) = await runFixloop(
                ["bench", "grading", "--sessions", "24", "--latency-ms", "100", "--concurrency", "8", "--json"],
                environment: ["FIXLOOP_HOME": root.path, "HOME": root.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"])
            #expect(status == 0, "\(text)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let sequential = try #require(result["sequential"] as? [String: Any])
            let concurrent = try #require(result["concurrent"] as? [String: Any])
            #expect(sequential["sessions"] as? Int == 24 && concurrent["sessions"] as? Int == 24)
            #expect(sequential["model_calls"] as? Int == 24 && concurrent["model_calls"] as? Int == 24)
            #expect(sequential["concurrency"] as? Int == 1 && concurrent["concurrency"] as? Int == 8)
            // 24 calls of 100 ms one at a time take 2.4 s at least; eight at a time three rounds.
            #expect((sequential["seconds"] as? Double ?? 0) > 2.4)
            #expect((concurrent["seconds"] as? Double ?? 99) < (sequential["seconds"] as? Double ?? 0) / 3)
        }
    }
}
