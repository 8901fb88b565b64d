import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// The job queue's behaviour, written once and run against SQLite and PostgreSQL. Time moves for real: leases
/// are a fraction of a second and the tests wait them out (the PostgreSQL store measures leases in the database's
/// clock and ignores `now:`).
struct JobStoreConformanceTests {
    static func request(_ ticket: String, _ repository: String = "acme/shop", maxAttempts: Int = 3) -> JobRequest {
        JobRequest(ticket: ticket, repository: repository, trigger: "labelled fixloop by alice", maxAttempts: maxAttempts)
    }

    static func round(maxRounds: Int = 3) -> JobRequest {
        var request = JobRequest(ticket: "gh:acme/shop#2", repository: "acme/shop", trigger: "a review comment by alice", rerunsFinished: true)
        request.kind = .revision
        request.maxRounds = maxRounds
        return request
    }

    @Test(arguments: StoreBackend.available)
    func aTicketHasOneActiveJobAndAFinishedOneRunsAgainOnlyOnRetry(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, _ in
            var asked = Self.request("gh:acme/shop#1")
            asked.requester = "alice"
            asked.requestText = "only the checkout page"
            asked.installationID = 42
            guard case .enqueued(let job) = try await store.enqueue(asked, now: Date()) else { Issue.record("not queued"); return }
            #expect(job.state == .queued && job.requester == "alice" && job.requestText == "only the checkout page" && job.installationID == 42)
            #expect(job.kind == .fix && job.maxAttempts == 3 && job.attempts == 0)
            guard case .alreadyActive(let active) = try await store.enqueue(Self.request("gh:acme/shop#1"), now: Date()) else {
                Issue.record("a second active job"); return
            }
            #expect(active.id == job.id)
            #expect(try await store.activeJob(ticket: "gh:acme/shop#1")?.id == job.id)
            let claimed = try #require(try await store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 1))
            try await store.setProgressComment(claimed.id, commentID: 777)
            try await store.finish(claimed.id, worker: "w", state: .done, summary: "fixed", prURL: "https://example/pull/1", costUSD: 0.25, now: Date())
            #expect(try await store.activeJob(ticket: "gh:acme/shop#1") == nil)
            guard case .finished(let finished) = try await store.enqueue(Self.request("gh:acme/shop#1"), now: Date()) else {
                Issue.record("a finished ticket ran again"); return
            }
            #expect(finished.id == job.id && finished.prURL == "https://example/pull/1" && finished.costUSD == 0.25 && finished.finishedAt != nil)
            var retry = Self.request("gh:acme/shop#1")
            retry.rerunsFinished = true
            guard case .enqueued(let again) = try await store.enqueue(retry, now: Date()) else { Issue.record("a retry was refused"); return }
            #expect(again.id != job.id && again.progressCommentID == 777, "the new job inherits the ticket's progress comment")
        }
    }

    @Test(arguments: StoreBackend.available)
    func aJobWhoseWorkerDiedIsTakenAgainAfterItsLeaseAndTheDeadWorkersReportChangesNothing(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, _ in
            let id = try await store.enqueue(Self.request("gh:acme/shop#1", maxAttempts: 3), now: Date()).job.id
            // Long enough that a loaded machine still claims again inside it, short enough to wait out.
            let taken = try await store.claim(worker: "dead", now: Date(), lease: .seconds(6), perRepositoryLimit: 1)
            #expect(taken?.id == id && taken?.attempts == 1 && taken?.leaseOwner == "dead" && taken?.leaseExpiresAt != nil)
            let early = try await store.claim(worker: "live", now: Date(), lease: .seconds(60), perRepositoryLimit: 1)
            #expect(early == nil, "the lease still holds")
            try await Task.sleep(for: .milliseconds(6300))
            let resumed = try await store.claim(worker: "live", now: Date(), lease: .seconds(60), perRepositoryLimit: 1)
            #expect(resumed?.id == id && resumed?.attempts == 2 && resumed?.leaseOwner == "live")
            #expect(try await store.renew(id, worker: "dead", now: Date(), lease: .seconds(60)) == false)
            #expect(try await store.renew(id, worker: "live", now: Date(), lease: .seconds(60)) == true)
            try await store.finish(id, worker: "dead", state: .failed, summary: "late", prURL: nil, costUSD: 0, now: Date())
            #expect(try await store.job(id)?.state == .running)
            try await store.finish(id, worker: "live", state: .done, summary: "fixed", prURL: nil, costUSD: 0, now: Date())
            #expect(try await store.job(id)?.state == .done)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aJobWhoseWorkersKeepDyingFailsAfterItsAttempts(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, _ in
            let id = try await store.enqueue(Self.request("gh:acme/shop#2", maxAttempts: 2), now: Date()).job.id
            for attempt in 1...2 {
                let taken = try await store.claim(worker: "dead-\(attempt)", now: Date(), lease: .milliseconds(200), perRepositoryLimit: 1)
                #expect(taken?.attempts == attempt)
                try await Task.sleep(for: .milliseconds(400))
            }
            let none = try await store.claim(worker: "live", now: Date(), lease: .seconds(60), perRepositoryLimit: 1)
            #expect(none == nil)
            let job = try #require(try await store.job(id))
            #expect(job.state == .failed && job.summary?.contains("stopped 2 times") == true && job.finishedAt != nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func oneRunningJobPerRepositoryAndTheOthersWait(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, _ in
            for (ticket, repository) in [("gh:acme/shop#1", "acme/shop"), ("gh:acme/shop#2", "acme/shop"), ("gh:acme/api#1", "acme/api")] {
                _ = try await store.enqueue(Self.request(ticket, repository), now: Date())
            }
            let first = try await store.claim(worker: "a", now: Date(), lease: .seconds(60), perRepositoryLimit: 1)
            let second = try await store.claim(worker: "b", now: Date(), lease: .seconds(60), perRepositoryLimit: 1)
            let third = try await store.claim(worker: "c", now: Date(), lease: .seconds(60), perRepositoryLimit: 1)
            #expect(first?.ticket == "gh:acme/shop#1" && second?.ticket == "gh:acme/api#1" && third == nil)
            let twoAllowed = try await store.claim(worker: "c", now: Date(), lease: .seconds(60), perRepositoryLimit: 2)
            #expect(twoAllowed?.ticket == "gh:acme/shop#2")
            #expect(try await store.counts() == [.queued: 0, .running: 3, .done: 0, .failed: 0, .cancelled: 0])
        }
    }

    @Test(arguments: StoreBackend.available)
    func aReleasedJobGoesBackWithoutUsingAnAttemptAndACancelledOneStopsItsWorker(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, _ in
            let id = try await store.enqueue(Self.request("gh:acme/shop#1"), now: Date()).job.id
            _ = try await store.claim(worker: "a", now: Date(), lease: .seconds(60), perRepositoryLimit: 1)
            try await store.release(id, worker: "a", now: Date())
            let released = try #require(try await store.job(id))
            #expect(released.state == .queued && released.attempts == 0 && released.leaseOwner == nil)
            _ = try await store.claim(worker: "b", now: Date(), lease: .seconds(60), perRepositoryLimit: 1)
            try await store.setStage(id, "fixing", now: Date())
            let cancelled = try await store.cancel(id, now: Date())
            #expect(cancelled?.state == .cancelled && cancelled?.stage == "fixing")
            let renewed = try await store.renew(id, worker: "b", now: Date(), lease: .seconds(60))
            #expect(!renewed, "the worker learns at its next renewal that the job is gone")
            #expect(try await store.cancel(999_999, now: Date()) == nil)
            #expect(try await store.jobs(state: .cancelled, limit: 10).map(\.id) == [id])
            #expect(try await store.jobs(state: nil, limit: 10).map(\.id) == [id])
        }
    }

    @Test(arguments: StoreBackend.available, [(3, 1), (1, 0)])
    func aRequestDuringARoundIsFoldedIntoOneNextRoundBelowTheLimit(backend: StoreBackend, limits: (maxRounds: Int, queuedAfter: Int)) async throws {
        try await backend.withJobStore { store, _ in
            guard case .enqueued = try await store.enqueue(Self.round(maxRounds: limits.maxRounds), now: Date()) else { Issue.record("not queued"); return }
            let job = try #require(try await store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 5))
            #expect(job.kind == .revision)
            for _ in 1...2 {
                guard case .alreadyActive = try await store.enqueue(Self.round(maxRounds: limits.maxRounds), now: Date()) else { Issue.record("a parallel job"); return }
            }
            try await store.finish(job.id, worker: "w", state: .done, summary: "revised", prURL: nil, costUSD: 0, now: Date())
            let queued = try await store.jobs(state: .queued, limit: 5)
            #expect(queued.count == limits.queuedAfter, "\(queued)")
            #expect(queued.allSatisfy { $0.kind == .revision && $0.ticket == "gh:acme/shop#2" })
            #expect(try await store.revisionRounds(ticket: "gh:acme/shop#2", since: nil) == 1 + limits.queuedAfter)
            #expect(try await store.revisionRounds(ticket: nil, since: Date().addingTimeInterval(-3600)) == 1 + limits.queuedAfter)
            #expect(try await store.revisionRounds(ticket: "gh:acme/shop#9", since: nil) == 0)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aDeliveryAndATriggerAreRecordedOnce(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, _ in
            let first = try await store.recordDelivery("d-1", now: Date())
            let replayed = try await store.recordDelivery("d-1", now: Date())
            let other = try await store.recordDelivery("d-2", now: Date())
            #expect(first && !replayed && other)
            let trigger = try await store.recordTrigger("issues.labeled acme/shop#1 e-9", delivery: "d-1", now: Date())
            let underANewID = try await store.recordTrigger("issues.labeled acme/shop#1 e-9", delivery: "d-3", now: Date())
            #expect(trigger && !underANewID)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aForgottenDeliveryAndItsTriggersAreTakenAgainButNotAnotherDeliverysTrigger(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, _ in
            #expect(try await store.recordDelivery("d-1", now: Date()))
            #expect(try await store.recordTrigger("ci acme/shop#1 head=abc", delivery: "d-1", now: Date()))
            #expect(try await store.recordDelivery("d-2", now: Date()))
            #expect(try await store.recordTrigger("issues.labeled acme/shop#2 e-1", delivery: "d-2", now: Date()))
            // d-1's work failed: it forgets itself and its trigger, and names d-2's trigger too, which it did not record.
            try await store.forgetDelivery("d-1", triggers: ["ci acme/shop#1 head=abc", "issues.labeled acme/shop#2 e-1"])
            #expect(try await store.recordDelivery("d-1", now: Date()), "the redelivery is new")
            #expect(try await store.recordTrigger("ci acme/shop#1 head=abc", delivery: "d-1", now: Date()), "and so is its trigger")
            #expect(!(try await store.recordDelivery("d-2", now: Date())), "d-2 is still recorded")
            #expect(!(try await store.recordTrigger("issues.labeled acme/shop#2 e-1", delivery: "d-9", now: Date())), "and its trigger")
        }
    }

    @Test(arguments: StoreBackend.available)
    func aRequeuedJobIsNotClaimedBeforeItsNotBeforeAndItsAttemptIsNotCounted(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, _ in
            var request = Self.round()
            request.kind = .ci
            _ = try await store.enqueue(request, now: Date())
            let job = try #require(try await store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 5))
            let now = Date()
            try await store.requeue(job.id, worker: "w", notBefore: now.addingTimeInterval(6), summary: "waiting: checks running", now: now)
            let queued = try #require(try await store.job(job.id))
            #expect(queued.state == .queued && queued.attempts == 0 && queued.summary == "waiting: checks running" && queued.notBefore != nil, "\(queued)")
            #expect(try await store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 5) == nil, "not due yet")
            try await Task.sleep(for: .milliseconds(6300))
            let again = try #require(try await store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 5))
            #expect(again.id == job.id && again.attempts == 1)
        }
    }
}
