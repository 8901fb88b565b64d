import FixloopConfig
import FixloopCore
import FixloopTesting
import Foundation
import Testing

@testable import FixloopCLI

/// `BatchGrading` with its batch record and ledger in PostgreSQL (`FIXLOOP_DATABASE_URL`), as two machines wire it.
@Suite(.serialized, .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct BatchGradingSharedStoreTests {
    /// One machine's batch grading, wired as `score --batch` wires it: its own state directory, the shared store.
    func machine(_ name: String, root: URL, databaseURL: String, server: LoopbackBatchServer) async throws -> BatchGrading {
        let environment = [
            "FIXLOOP_DATABASE_URL": databaseURL, "OPENAI_BASE_URL": server.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key",
            "HOME": root.path,
        ]
        let context = CommandContext(
            configuration: FixloopConfiguration(), state: StateDirectory(root: root.appendingPathComponent(name)), environment: environment)
        let wiring = try await ModelWiring(context: context)
        let spec = try ModelSpec(parsing: "openai:gpt-4.1")
        var grading = BatchGrading(
            client: try wiring.factory.batchClient(for: spec), keeper: wiring.keeper, price: wiring.keeper.price(for: spec),
            store: try await StoreBackend.open(context).gradingBatches)
        grading.pollInterval = .milliseconds(20)
        return grading
    }

    func collect(_ grading: BatchGrading) async throws -> BatchGrading.Collection {
        var report = BatchGrading.Report()
        return try await grading.collect(report: &report)
    }

    /// Both machines took the ended batch's results before either settled it; the one whose mark of the batch as
    /// collected won records its spend, the other records nothing.
    @Test func twoMachinesSettlingTheSameBatchAtOnceRecordItsSpendOnce() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        func count(_ sql: String) throws -> Int { Int(try cluster.psql(database: database, sql).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 }
        try await withTemporaryDirectory("fixloop-batch-shared") { root in
            try await withLoopbackBatchServer(.openAI) { server in
                await server.setPlan(BatchServerPlan(runningPolls: 1, reply: { _ in ScoreCommandTests.validGrade }))
                let first = try await machine("a", root: root, databaseURL: cluster.url(database: database), server: server)
                let second = try await machine("b", root: root, databaseURL: cluster.url(database: database), server: server)
                let requests = (0..<4).map { index in
                    (BatchRequest(customID: "g\(index)", request: ModelRequest(messages: [.user("session \(index)")], maxOutputTokens: 100)),
                     GradingBatchEntry(batchID: "", customID: "g\(index)", sessionID: "s\(index)", timelineHash: "t\(index)", promptHash: "p"))
                }
                var report = BatchGrading.Report()
                try await first.submit(requests, report: &report)
                let id = try #require(report.submitted.first)

                async let taken = (collect(first), collect(second))
                let (mine, theirs) = try await taken
                #expect(mine.ended.map(\.usages.count) == [4] && theirs.ended.map(\.usages.count) == [4], "both took the 4 answers")
                async let settledFirst: Void = first.settle(mine)
                async let settledSecond: Void = second.settle(theirs)
                _ = try await (settledFirst, settledSecond)

                let rows = try cluster.psql(database: database, "SELECT run_id, count(*) FROM model_call GROUP BY run_id")
                let recorded = try count("SELECT count(*) FROM model_call WHERE run_id = 'batch-\(id)'")
                #expect(recorded == 4, "the batch's 4 answers recorded once: \(rows)")
                #expect(try count("SELECT count(*) FROM grading_batch WHERE id = '\(id)' AND collected") == 1)
                #expect(try await first.store.openBatches(model: "openai:gpt-4.1").isEmpty)
            }
        }
    }
}
