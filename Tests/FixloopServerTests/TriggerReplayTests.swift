import FixloopCore
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// Triggers are deduplicated by what they are (signed fields), not by the unsigned `X-GitHub-Delivery` id, and a
/// ticket a done job fixed runs again only on `/fixloop retry`.
@Suite(.serialized)
struct TriggerReplayTests {
    let endpoint = WebhookEndpointTests()

    static func labelled(at time: String, number: Int = 3) -> String {
        """
        {"action": "labeled", "issue": {"number": \(number), "title": "Total", "updated_at": "\(time)"}, "label": {"id": 208045946, "name": "fixloop"},
         "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}
        """
    }

    static func comment(_ text: String, id: Int, number: Int = 3) -> String {
        """
        {"action": "created", "issue": {"number": \(number), "title": "Total", "updated_at": "2026-01-05T00:00:00Z"}, "repository": {"full_name": "acme/shop"},
         "comment": {"id": \(id), "body": "\(text)", "user": {"login": "bob", "type": "User"}, "author_association": "MEMBER"}, "sender": {"login": "bob"}}
        """
    }

    /// Runs the queued job of the ticket to `done` with a pull request, as a worker would.
    static func finishWithPullRequest(_ store: SQLiteJobStore) async throws -> Job {
        let job = try #require(try await store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 1))
        try await store.finish(job.id, worker: "w", state: .done, summary: "fixed", prURL: "https://github.com/acme/shop/pull/9", costUSD: 0.4, now: Date())
        return job
    }

    @Test func aSignedDeliveryReplayedUnderANewDeliveryIdRunsNothing() async throws {
        try await endpoint.withScene { scene in
            let label = Self.labelled(at: "2026-01-02T03:04:05Z")
            let (first, firstText) = try await scene.post(label, delivery: "d-1")
            #expect(first == 202 && firstText.contains("queued"), "\(firstText)")
            _ = try await Self.finishWithPullRequest(scene.store)
            let (replay, replayText) = try await scene.post(label, delivery: "d-1-replayed")
            #expect(replay == 202 && replayText.contains("already received under another delivery id"), "\(replayText)")
            let retry = Self.comment("/fixloop retry", id: 900)
            let (retried, retriedText) = try await scene.post(retry, event: "issue_comment", delivery: "d-2")
            #expect(retried == 202 && retriedText.contains("queued"), "\(retriedText)")
            _ = try await Self.finishWithPullRequest(scene.store)
            let (again, againText) = try await scene.post(retry, event: "issue_comment", delivery: "d-2-replayed")
            #expect(again == 202 && againText.contains("already received under another delivery id"), "\(againText)")
            let jobs = try await scene.store.jobs(state: nil, limit: 10)
            #expect(jobs.count == 2, "one job per trigger, none per replay: \(jobs.map(\.trigger))")
            #expect(scene.metrics.webhookCount("duplicate") == 2)
        }
    }

    @Test func aFinishedTicketRunsAgainOnlyOnRetry() async throws {
        try await endpoint.withScene { scene in
            _ = try await scene.post(Self.labelled(at: "2026-01-02T03:04:05Z"), delivery: "d-1")
            await scene.followUps.drain()
            let done = try await Self.finishWithPullRequest(scene.store)
            let (relabel, relabelText) = try await scene.post(Self.labelled(at: "2026-01-03T00:00:00Z"), delivery: "d-2")
            #expect(relabel == 202 && relabelText.contains("already fixed"), "\(relabelText)")
            let (fix, fixText) = try await scene.post(Self.comment("/fixloop fix", id: 901), event: "issue_comment", delivery: "d-3")
            #expect(fix == 202 && fixText.contains("already fixed"), "\(fixText)")
            let unchanged = try await scene.store.jobs(state: nil, limit: 10)
            #expect(unchanged.count == 1)
            await scene.followUps.drain()
            let progress = await scene.github.comments.filter { $0.issue == 3 }
            #expect(progress.count == 1, "the answer is on the one progress comment")
            let answer = try #require(progress.last?.body)
            #expect(answer.contains("already fixed this issue") && answer.contains("pull/9") && answer.contains("/fixloop retry"), "\(answer)")
            let (retry, retryText) = try await scene.post(Self.comment("/fixloop retry", id: 902), event: "issue_comment", delivery: "d-4")
            #expect(retry == 202 && retryText.contains("queued"), "\(retryText)")
            let jobs = try await scene.store.jobs(state: nil, limit: 10)
            #expect(jobs.map(\.state) == [.queued, .done] && jobs.last?.id == done.id)
        }
    }
}
