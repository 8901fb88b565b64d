import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// The queue's guarantees under concurrency, on both backends: each claimer and each enqueuer has its own handle on
/// the store (its own connections, as another process or machine would).
struct JobStoreConcurrencyTests {
    /// Claims until the queue has nothing for this worker; the ids taken.
    static func drain(_ store: any JobStore, worker: String, limit: Int) async throws -> [Int64] {
        var taken: [Int64] = []
        while let job = try await store.claim(worker: worker, now: Date(), lease: .seconds(60), perRepositoryLimit: limit) {
            taken.append(job.id)
        }
        return taken
    }

    @Test(arguments: StoreBackend.available)
    func manyClaimersTakeEachJobExactlyOnce(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, fixture in
            var queued: [Int64] = []
            for number in 1...40 {
                let request = JobRequest(ticket: "gh:acme/repo\(number)#1", repository: "acme/repo\(number)", trigger: "t")
                queued.append(try await store.enqueue(request, now: Date()).job.id)
            }
            let claimers = try await withThrowingTaskGroup(of: (any JobStore).self) { group in
                for _ in 0..<6 { group.addTask { try await fixture.open() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let taken = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for (index, claimer) in claimers.enumerated() {
                    group.addTask { try await Self.drain(claimer, worker: "w\(index)", limit: 1) }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(taken.count == queued.count, "a job was taken twice or not at all")
            #expect(taken.sorted() == queued.sorted())
            #expect(try await store.counts()[.running] == queued.count)
        }
    }

    @Test(arguments: StoreBackend.available)
    func theRepositoryLimitHoldsAcrossConcurrentClaimers(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, fixture in
            for number in 1...12 {
                _ = try await store.enqueue(JobRequest(ticket: "gh:acme/shop#\(number)", repository: "acme/shop", trigger: "t"), now: Date())
            }
            let claimers = try await withThrowingTaskGroup(of: (any JobStore).self) { group in
                for _ in 0..<6 { group.addTask { try await fixture.open() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Every claimer tries at once, several times.
            let taken = try await withThrowingTaskGroup(of: Int.self) { group in
                for (index, claimer) in claimers.enumerated() {
                    group.addTask {
                        var count = 0
                        for _ in 0..<3 {
                            if try await claimer.claim(worker: "w\(index)", now: Date(), lease: .seconds(60), perRepositoryLimit: 2) != nil { count += 1 }
                        }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(taken == 2)
            #expect(try await store.counts()[.running] == 2)
        }
    }

    @Test(arguments: StoreBackend.available)
    func concurrentEnqueuesOfOneTicketQueueOneJob(backend: StoreBackend) async throws {
        try await backend.withJobStore { store, fixture in
            let enqueuers = try await withThrowingTaskGroup(of: (any JobStore).self) { group in
                for _ in 0..<8 { group.addTask { try await fixture.open() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let results = try await withThrowingTaskGroup(of: EnqueueResult.self) { group in
                for enqueuer in enqueuers {
                    group.addTask {
                        try await enqueuer.enqueue(JobRequest(ticket: "gh:acme/shop#7", repository: "acme/shop", trigger: "t"), now: Date())
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let enqueued = results.filter { if case .enqueued = $0 { return true } else { return false } }
            #expect(enqueued.count == 1)
            #expect(Set(results.map(\.job.id)).count == 1, "every enqueue names the one job")
            #expect(try await store.jobs(state: nil, limit: 20).count == 1)
        }
    }
}
