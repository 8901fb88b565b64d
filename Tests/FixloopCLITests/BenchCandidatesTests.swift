@testable import FixloopCLI
import FixloopTesting
import Foundation
import Testing

/// `fixloop bench candidates`: one candidate against three at once, on the real sandbox and a loopback model.
struct BenchCandidatesTests {
    @Test func threeCandidatesAtOnceAllFixTheBugInFarLessThanThreeTimesOne() async throws {
        try await withTemporaryDirectory("fixloop-bench-candidates") { root in
            let environment = ["FIXLOOP_HOME": root.path, "HOME": root.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            let (status, output, errors) = await runFixloopSeparately(
                ["bench", "candidates", "--latency-ms", "200", "--jobs", "3", "--json"], environment: environment)
            #expect(status == 0, "\(output)\(errors)")
            #expect(errors.isEmpty, "nothing on standard error under --json: \(errors)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            #expect(result["candidates"] as? Int == 3 && result["jobs"] as? Int == 3)
            #expect(result["fixed_one"] as? Int == 1 && result["fixed_many"] as? Int == 3, "every candidate fixes the bug")
            let (one, many) = (try #require(result["one_seconds"] as? Double), try #require(result["many_seconds"] as? Double))
            #expect(one >= 0.6, "three model calls of 200 ms")
            // One after another would take about three times one candidate.
            #expect(many < one * 2.5, "\(many) s for three against \(one) s for one")
        }
    }
}
