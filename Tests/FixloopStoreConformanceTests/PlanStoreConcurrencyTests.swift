import FixloopCore
import FixloopPlanner
import Foundation
import Testing

/// Two store handles (two processes, or two machines on PostgreSQL) filing and updating the same pattern at once.
struct PlanStoreConcurrencyTests {
    @Test(arguments: StoreBackend.available)
    func twoHandlesFilingTheSamePatternAtOnceEndWithOneTicket(backend: StoreBackend) async throws {
        try await backend.withPlanStore { store, fixture in
            let start = PlanStoreSessions.weekOne
            let plan = try await PlanStoreSessions.plan(PlanStoreSessions.week(starting: start, bug: 10), since: start,
                                                        until: start.addingTimeInterval(PlanStoreSessions.week))
            let draft = try PlanStoreConformanceTests.draft(plan, period: "week 1")
            let other = try await fixture.open()
            let handles: [any PlanStore] = [store, other]
            let filed = try await withThrowingTaskGroup(of: FiledTicket.self) { group in
                for attempt in 0..<8 {
                    let handle = handles[attempt % 2]
                    group.addTask { try await handle.createLocalTicket(draft) }
                }
                return try await group.reduce(into: [FiledTicket]()) { $0.append($1) }
            }
            #expect(Set(filed).count == 1, "\(filed)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for attempt in 0..<8 {
                    let handle = handles[attempt % 2]
                    group.addTask {
                        try await handle.record(FiledTicket(reference: "gh:acme/shop#\(attempt)", remoteID: "\(attempt)", url: nil), sink: "github:acme/shop",
                                                draft: draft)
                    }
                }
                try await group.waitForAll()
            }
            let tickets = try await other.tickets()
            #expect(tickets.filter { $0.sink == "local" }.map(\.reference) == [filed.first?.reference], "\(tickets)")
            #expect(tickets.filter { $0.sink == "github:acme/shop" }.count == 1, "\(tickets)")
        }
    }

    @Test(arguments: StoreBackend.available)
    func updatesFromTwoHandlesAtOnceAreAllKept(backend: StoreBackend) async throws {
        try await backend.withPlanStore { store, fixture in
            let start = PlanStoreSessions.weekOne
            let plan = try await PlanStoreSessions.plan(PlanStoreSessions.week(starting: start, bug: 10), since: start,
                                                        until: start.addingTimeInterval(PlanStoreSessions.week))
            let draft = try PlanStoreConformanceTests.draft(plan, period: "week 1")
            let filed = try await store.createLocalTicket(draft)
            let handles: [any PlanStore] = [store, try await fixture.open()]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for attempt in 0..<8 {
                    let handle = handles[attempt % 2]
                    var update = draft
                    update.updateComment = "update \(attempt)"
                    group.addTask { try await handle.recordUpdate(sink: "local", fingerprint: draft.fingerprint, draft: update) }
                }
                try await group.waitForAll()
            }
            let id = try #require(Int(filed.remoteID))
            let ticket = try #require(try await store.ticket(id: id))
            #expect(Set(ticket.updates) == Set((0..<8).map { "update \($0)" }), "\(ticket.updates)")
        }
    }
}
