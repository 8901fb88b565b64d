@testable import FixloopCLI
import FixloopTesting
import Foundation
import Testing

/// `fixloop bench grading` on a small week: both runs grade every session through the model, the pool faster.
struct BenchGradingTests {
    @Test func bothRunsGradeEverySessionAndThePoolIsFaster() async throws {
        try await withTemporaryDirectory("fixloop-bench-grading") { root in
            // A product context long enough (about 1,500 tokens) that the instructions pass the cache's 1,024-token minimum.
            let product = root.appendingPathComponent("product.md")
            try ("# Acme Shop\n\n" + String(repeating: "Acme Shop sells outdoor gear to people who plan their trips with care.\n", count: 85))
                .write(to: product, atomically: true, encoding: .utf8)
            let (status, text) = await runFixloop(
                ["bench", "grading", "--sessions", "24", "--latency-ms", "100", "--concurrency", "8", "--product", product.path, "--json"],
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
            // Only the run against the caching server has cached tokens: the stable instructions of every request
            // after the first eight (which went out together, before anything was cached).
            let cached = try #require(result["cached"] as? [String: Any])
            #expect(concurrent["cached_tokens"] as? Int == 0)
            let input = try #require(cached["input_tokens"] as? Int)
            let hits = try #require(cached["cached_tokens"] as? Int)
            #expect(hits > 0 && hits < input && hits % 128 == 0, "\(hits) of \(input)")
        }
    }
}
