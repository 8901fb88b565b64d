@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopPostgres
import FixloopReport
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// With PostgreSQL as the store, the review's fixes, rounds and spend are the shared ones, not the machine's file's.
@Suite(.serialized)
struct ReviewSharedStoreTests {
    @Test(.enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
    func theReviewsRunsAndSpendComeFromPostgreSQL() async throws {
        let cluster = try PostgresTestCluster.shared()
        let url = try PostgresURL(parsing: cluster.url(database: try cluster.makeDatabase()))
        try await withTemporaryDirectory("fixloop-review-pg") { root in
            let state = StateDirectory(root: root.appendingPathComponent("home"))
            let backend = try await StoreBackend.open(.postgres(url, password: nil, poolSize: 2), state: state)
            defer { backend.postgres?.close() }
            let week = ISOWeek(containing: Date(timeIntervalSince1970: 1_749_800_000))
            let host = ProcessInfo.processInfo.hostName
            let started = week.start.addingTimeInterval(86_400)
            #expect(try await backend.runs.start(RunRecord(id: "run-shared", ticket: "local:7", repository: "/r", host: host, pid: getpid(),
                                                          startedAt: started)) == nil)
            try await backend.runs.finish("run-shared", status: .fixed, branch: "fixloop/local-7", prURL: "https://example/pull/7", reason: "verified")
            var round = RunRecord(id: "run-round", ticket: "local:7", repository: "/r", host: host, pid: getpid(), startedAt: started.addingTimeInterval(3_600))
            round.kind = .revision
            round.pullRequest = "gh:o/r#7"
            #expect(try await backend.runs.start(round) == nil)
            try await backend.runs.finish("run-round", status: .fixed, branch: nil, prURL: nil, reason: nil)
            try await backend.ledger.record(LedgerEntry(date: started, attribution: .init(runID: "run-shared"), model: "m",
                                                        usage: .init(inputTokens: 10, outputTokens: 5), costUSD: 0.5, latencyMilliseconds: 1))

            let review = try await ReviewBuilder(backend: backend, state: state).build(start: week.start, end: week.end, now: week.end)
            #expect(review.fixes.map(\.runID) == ["run-shared"])
            #expect(review.fixes.first?.pullRequest == "https://example/pull/7")
            #expect(review.fixes.first?.rounds.map(\.runID) == ["run-round"])
            #expect(review.spend.map(\.layer) == ["engineer"] && review.spend.first?.costUSD == 0.5)
            #expect(try SQLiteRunStore(database: backend.database).runs(from: week.start, to: week.end).isEmpty, "nothing was read from the file")
        }
    }
}
