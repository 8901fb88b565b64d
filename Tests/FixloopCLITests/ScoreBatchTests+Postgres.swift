import FixloopCore
import FixloopStore
import FixloopTesting
import Foundation
import Testing

@testable import FixloopCLI

extension ScoreBatchTests {
    /// With `FIXLOOP_DATABASE_URL`, the batch record is in PostgreSQL: a batch submitted on one machine is collected
    /// on another (each with its own state directory, both importing the same export), its spend recorded once in
    /// the shared ledger, and nothing is left for the first machine to collect again.
    @Test(.enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
    func aBatchSubmittedOnOneMachineIsCollectedOnAnotherThroughPostgreSQL() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        func count(_ sql: String) throws -> Int { Int(try cluster.psql(database: database, sql).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 }
        try await withTemporaryDirectory("fixloop-score-batch-pg") { root in
            let (url, _) = try helper.export(in: root, sessions: 6)
            let wire = LoopbackModelServer.WireProtocol.openAI
            try await withLoopbackBatchServer(wire) { server in
                await server.setPlan(BatchServerPlan(runningPolls: 1, inputTokens: 1000, outputTokens: 100, reply: Self.grade))
                func machine(_ name: String) throws -> URL {
                    let folder = root.appendingPathComponent(name)
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    return folder
                }
                let (first, second) = (try machine("a"), try machine("b"))
                func environment(_ folder: URL) -> [String: String] {
                    var environment = self.environment(root: folder, server: server)
                    environment["FIXLOOP_DATABASE_URL"] = cluster.url(database: database)
                    return environment
                }

                let (submitted, submittedText, submittedErrors) = await runFixloopSeparately(
                    try arguments(url, root: first, wire: wire, ["--batch", "--wait", "0"]), environment: environment(first))
                #expect(submitted == 0, "\(submittedText)\(submittedErrors)")
                let id = try #require(await server.batches().first?.id)
                #expect(try count("SELECT count(*) FROM grading_batch WHERE NOT collected AND id = '\(id)'") == 1)
                #expect(try count("SELECT count(*) FROM grading_batch_request WHERE batch_id = '\(id)'") == 6)
                let local = SQLiteGradingBatchStore(database: try FixloopDatabase(url: first.appendingPathComponent("state/fixloop.sqlite")))
                #expect(try await local.batches().isEmpty, "the batch record is not in the machine's SQLite file")

                let (collected, collectedText, collectedErrors) = await runFixloopSeparately(
                    try arguments(url, root: second, wire: wire, ["--collect"]), environment: environment(second))
                #expect(collected == 0, "\(collectedText)\(collectedErrors)")
                let grading = try #require(try helper.json(collectedText)["grading"] as? [String: Any])
                #expect(grading["model"] as? Int == 6 && grading["batched"] as? Int == 6, "\(grading)")
                #expect(await server.batches().count == 1)
                #expect(await server.directRequests().isEmpty)
                #expect(try count("SELECT count(*) FROM grading_batch WHERE collected AND phase = 'completed'") == 1)
                #expect(try count("SELECT count(*) FROM model_call WHERE run_id = 'batch-\(id)'") == 6, "the batch's spend, once, in the shared ledger")

                // The first machine finds nothing left to collect and submits nothing: the spend is not recorded twice.
                let (again, againText, againErrors) = await runFixloopSeparately(
                    try arguments(nil, root: first, wire: wire, ["--collect", "--wait", "0"]), environment: environment(first))
                #expect(again == 0, "\(againText)\(againErrors)")
                let batches = try #require(try helper.json(againText)["batches"] as? [String: Any])
                #expect((batches["collected"] as? [String])?.isEmpty == true, "\(batches)")
                #expect(await server.batches().count == 1)
                #expect(try count("SELECT count(*) FROM model_call WHERE run_id = 'batch-\(id)'") == 6)
            }
        }
    }
}
