import FixloopCore
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// Revision jobs in the queue: one round per pull request at a time, a request during a round folded into the next,
/// and no folded round past the pull request's `max_rounds`.
struct RevisionJobStoreTests {
    static func round(maxRounds: Int = 3) -> JobRequest {
        var request = JobRequest(ticket: "gh:acme/shop#2", repository: "acme/shop", trigger: "a review comment by alice", rerunsFinished: true)
        request.kind = .revision
        request.maxRounds = maxRounds
        return request
    }

    @Test(arguments: [(3, 1), (1, 0)])
    func aRequestDuringARoundIsFoldedIntoOneNextRoundBelowTheLimit(maxRounds: Int, queuedAfter: Int) async throws {
        try await withTemporaryDirectory("fixloop-rounds") { root in
            let store = SQLiteJobStore(database: try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite")))
            guard case .enqueued = try await store.enqueue(Self.round(maxRounds: maxRounds), now: Date()) else { Issue.record("not queued"); return }
            let job = try #require(try await store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 5))
            #expect(job.kind == .revision)
            for _ in 1...2 {
                guard case .alreadyActive = try await store.enqueue(Self.round(maxRounds: maxRounds), now: Date()) else { Issue.record("a parallel job"); return }
            }
            try await store.finish(job.id, worker: "w", state: .done, summary: "revised", prURL: nil, costUSD: 0, now: Date())
            let queued = try await store.jobs(state: .queued, limit: 5)
            #expect(queued.count == queuedAfter, "\(queued)")
            #expect(queued.allSatisfy { $0.kind == .revision && $0.ticket == "gh:acme/shop#2" })
            #expect(try await store.revisionRounds(ticket: "gh:acme/shop#2", since: nil) == 1 + queuedAfter)
        }
    }

    @Test func aRequeuedJobIsNotClaimedBeforeItsNotBeforeAndItsAttemptIsNotCounted() async throws {
        try await withTemporaryDirectory("fixloop-requeue") { root in
            let store = SQLiteJobStore(database: try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite")))
            var request = Self.round()
            request.kind = .ci
            _ = try await store.enqueue(request, now: Date())
            let now = Date()
            let job = try #require(try await store.claim(worker: "w", now: now, lease: .seconds(60), perRepositoryLimit: 5))
            try await store.requeue(job.id, worker: "w", notBefore: now.addingTimeInterval(30), summary: "waiting: checks running", now: now)
            let queued = try #require(try await store.job(job.id))
            #expect(queued.state == .queued && queued.attempts == 0 && queued.summary == "waiting: checks running", "\(queued)")
            #expect(try await store.claim(worker: "w", now: now.addingTimeInterval(29), lease: .seconds(60), perRepositoryLimit: 5) == nil)
            let again = try #require(try await store.claim(worker: "w", now: now.addingTimeInterval(30), lease: .seconds(60), perRepositoryLimit: 5))
            #expect(again.id == job.id && again.attempts == 1)
        }
    }
}
