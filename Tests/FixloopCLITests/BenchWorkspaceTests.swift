@testable import FixloopCLI
import FixloopCore
import FixloopTesting
import Foundation
import Testing

struct BenchWorkspaceTests {
    @Test func measuresEveryMethodAgainstTheCopyBaseline() async throws {
        try await withTemporaryDirectory { root in
            let source = try await WorkspaceBenchmark.generateRepository(files: 30, in: root)
            let benchmark = WorkspaceBenchmark(remote: try RepositoryReference(parsing: source.path), scratch: root, runs: 2)
            let report = try await benchmark.measure(progress: { _ in })
            #expect(report.files >= 30)
            #expect(report.copyMs > 0 && report.newCloneMs > 0 && report.pooledResetMs > 0)
            #expect(abs(report.pooledRatio - report.pooledResetMs / report.copyMs) < 1e-9)
            #expect(report.table.contains("cp -r"))
        }
    }
}
