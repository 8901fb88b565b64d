import FixloopCore
import FixloopPlanner
import FixloopSessionTypes
import Foundation
import Testing

/// The plan store's behaviour on both backends: scored sessions by period with their facts, plan runs by overlap,
/// patterns across runs, tickets filed, updated, listed and read by id.
struct PlanStoreConformanceTests {
    static let weekOne = PlanStoreSessions.weekOne
    static let week = PlanStoreSessions.week

    /// The first ticket decision of `plan` as a draft.
    static func draft(_ plan: PlanResult, period: String) throws -> TicketDraft {
        let index = try #require(plan.decisions.firstIndex { $0.action == .ticket }, "the plan files a ticket")
        return TicketDraft(pattern: plan.patterns[index], decision: plan.decisions[index], period: period, repository: "/srv/shop")
    }

    @Test(arguments: StoreBackend.available)
    func scoredSessionsAreReadByPeriodWithTheirFactsAndGrade(backend: StoreBackend) async throws {
        try await backend.withPlanStore { store, fixture in
            var graded = PlanStoreSessions.failing(1, message: "charge of 12.20 is above the cart total 11.00", start: Self.weekOne)
            graded.modelGrade = ModelGrade(
                score: 3, intent: "buy a tent", rightProduct: true, wentRight: ["found it"], wentWrong: ["payment failed"],
                failures: [.init(signature: "checkout: CheckoutError in charge", evidence: .init(event: "$exception", route: "/checkout", error: "CheckoutError"))],
                confidence: 0.8)
            let bare = ScoredSession(id: "bare", start: Self.weekOne.addingTimeInterval(7200), score: 7, blurb: ["-1 slow page"], facts: nil)
            let early = ScoredSession(id: "early", start: Self.weekOne.addingTimeInterval(-86_400), score: 5, blurb: [], facts: nil)
            let atEnd = ScoredSession(id: "at-end", start: Self.weekOne.addingTimeInterval(Self.week), score: 9, blurb: [], facts: nil)
            try await fixture.seed([atEnd, bare, graded, early])

            #expect(try await store.scoredSessions(since: Self.weekOne, until: Self.weekOne.addingTimeInterval(Self.week)) == [graded, bare])
            #expect(try await store.scoredSessions(since: nil, until: Self.weekOne.addingTimeInterval(Self.week)).map(\.id) == ["early", "s-1", "bare"])
            #expect(try await store.scoredSessions(since: Self.weekOne.addingTimeInterval(Self.week), until: .distantFuture).map(\.id) == ["at-end"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func plansAreFoundByOverlapAndTheLatestIsTheLastSaved(backend: StoreBackend) async throws {
        try await backend.withPlanStore { store, _ in
            #expect(try await store.latestPlan() == nil)
            let weekEnd = Self.weekOne.addingTimeInterval(Self.week)
            let weekly = try await PlanStoreSessions.plan(PlanStoreSessions.week(starting: Self.weekOne, bug: 10), since: Self.weekOne, until: weekEnd)
            let forever = try await PlanStoreSessions.plan([], since: nil, until: Self.weekOne.addingTimeInterval(86_400))
            let later = try await PlanStoreSessions.plan([], since: weekEnd, until: weekEnd.addingTimeInterval(Self.week))
            let first = try await store.savePlan(weekly, sink: "local")
            let second = try await store.savePlan(forever, sink: "local")
            let third = try await store.savePlan(later, sink: "github:acme/shop")
            #expect(first < second && second < third)

            #expect(try await store.plans(overlapping: Self.weekOne, weekEnd) == [weekly, forever])
            #expect(try await store.plans(overlapping: weekEnd, weekEnd.addingTimeInterval(60)) == [later])
            #expect(try await store.plans(overlapping: Self.weekOne.addingTimeInterval(-Self.week), Self.weekOne) == [forever])
            #expect(try await store.latestPlan() == later)
            #expect(try await store.latestPlan()?.patterns.isEmpty == true)
            #expect(try await store.plans(overlapping: Self.weekOne, weekEnd).first?.patterns.count == weekly.patterns.count)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aPatternKeepsItsFirstSightingAcrossRunsAndTakesTheLatestRunsCount(backend: StoreBackend) async throws {
        try await backend.withPlanStore { store, _ in
            let weekTwo = Self.weekOne.addingTimeInterval(Self.week)
            let one = try await PlanStoreSessions.plan(PlanStoreSessions.week(starting: Self.weekOne, bug: 10), since: Self.weekOne, until: weekTwo)
            let two = try await PlanStoreSessions.plan(PlanStoreSessions.week(starting: weekTwo, bug: 12, offset: 1000), since: weekTwo,
                                                       until: weekTwo.addingTimeInterval(Self.week))
            let bug = try Self.draft(one, period: "week 1").fingerprint
            let seenOne = try #require(one.patterns.first { $0.fingerprint == bug }?.stats)
            let seenTwo = try #require(two.patterns.first { $0.fingerprint == bug }?.stats, "week two has the same pattern")
            #expect(try await store.patterns().isEmpty)

            let firstRun = try await store.savePlan(one, sink: "local")
            var stored = try #require(try await store.patterns().first { $0.fingerprint == bug })
            #expect(stored.firstSeen == seenOne.firstSeen && stored.lastSeen == seenOne.lastSeen)
            #expect(stored.lastSessions == 10 && stored.lastPlan == firstRun && stored.kind == "exception" && stored.classification == "bug")
            #expect(try await store.patterns().count == one.patterns.count)

            let secondRun = try await store.savePlan(two, sink: "local")
            stored = try #require(try await store.patterns().first { $0.fingerprint == bug })
            #expect(stored.firstSeen == seenOne.firstSeen && stored.lastSeen == seenTwo.lastSeen)
            #expect(stored.lastSessions == 12 && stored.lastPlan == secondRun)

            // Re-planning the older week moves neither end back.
            let thirdRun = try await store.savePlan(one, sink: "local")
            stored = try #require(try await store.patterns().first { $0.fingerprint == bug })
            #expect(stored.firstSeen == seenOne.firstSeen && stored.lastSeen == seenTwo.lastSeen)
            #expect(stored.lastSessions == 10 && stored.lastPlan == thirdRun)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aLocalTicketIsFiledOnceUpdatedAndReadBackWithItsPattern(backend: StoreBackend) async throws {
        try await backend.withPlanStore { store, _ in
            let weekTwo = Self.weekOne.addingTimeInterval(Self.week)
            let draft = try Self.draft(try await PlanStoreSessions.plan(PlanStoreSessions.week(starting: Self.weekOne, bug: 10), since: Self.weekOne,
                                                                        until: weekTwo), period: "week 1")
            let filed = try await store.createLocalTicket(draft)
            let id = try #require(Int(filed.remoteID))
            #expect(filed.reference == "local:\(id)" && filed.url == nil)
            #expect(try await store.createLocalTicket(draft) == filed)
            let recorded = try #require(try await store.ticket(sink: "local", fingerprints: ["unknown", draft.fingerprint]))
            #expect(recorded.ticket == filed && recorded.reported == draft.updateComment)

            var ticket = try #require(try await store.ticket(id: id))
            #expect(ticket.sink == "local" && ticket.fingerprint == draft.fingerprint && ticket.reference == filed.reference)
            #expect(ticket.title == draft.title && ticket.body == draft.body && ticket.labels == draft.labels)
            #expect(ticket.classification == "bug" && ticket.priority == draft.priority.rawValue && ticket.sessions == 10)
            #expect(ticket.repository == "/srv/shop" && ticket.updates.isEmpty && ticket.pattern == draft.pattern)
            #expect(ticket.pattern?.examples.isEmpty == false && ticket.createdAt == ticket.updatedAt)

            let later = try Self.draft(try await PlanStoreSessions.plan(PlanStoreSessions.week(starting: weekTwo, bug: 12, offset: 1000), since: weekTwo,
                                                                        until: weekTwo.addingTimeInterval(Self.week)), period: "week 2")
            try await Task.sleep(for: .milliseconds(20))
            try await store.recordUpdate(sink: "local", fingerprint: later.fingerprint, draft: later)
            ticket = try #require(try await store.ticket(id: id))
            #expect(ticket.sessions == 12 && ticket.updates == [later.updateComment] && ticket.pattern == later.pattern)
            #expect(ticket.updatedAt > ticket.createdAt && ticket.title == draft.title)
            #expect(try await store.ticket(sink: "local", fingerprints: [draft.fingerprint])?.reported == later.updateComment)
            // An update for a pattern nobody filed changes nothing.
            try await store.recordUpdate(sink: "github:acme/shop", fingerprint: later.fingerprint, draft: later)
            #expect(try await store.tickets().count == 1)
            #expect(try await store.ticket(id: id + 100) == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aTrackerTicketIsRecordedOnceFoundByAnyMemberFingerprintAndListedNewestFirst(backend: StoreBackend) async throws {
        try await backend.withPlanStore { store, _ in
            var draft = try Self.draft(try await PlanStoreSessions.plan(PlanStoreSessions.week(starting: Self.weekOne, bug: 10), since: Self.weekOne,
                                                                        until: Self.weekOne.addingTimeInterval(Self.week)), period: "week 1")
            let local = try await store.createLocalTicket(draft)
            draft.fingerprints.append("fp-merged-variant")
            let issue = FiledTicket(reference: "gh:acme/shop#7", remoteID: "7", url: "https://github.com/acme/shop/issues/7")
            try await store.record(issue, sink: "github:acme/shop", draft: draft)
            try await store.record(FiledTicket(reference: "gh:acme/shop#8", remoteID: "8", url: nil), sink: "github:acme/shop", draft: draft)

            #expect(try await store.ticket(sink: "github:acme/shop", fingerprints: ["fp-merged-variant"])?.ticket == issue)
            #expect(try await store.ticket(sink: "linear:ENG", fingerprints: [draft.fingerprint]) == nil)
            let listed = try await store.tickets()
            #expect(listed.map(\.reference) == ["gh:acme/shop#7", local.reference])
            #expect(listed.first?.url == issue.url && listed.first?.sink == "github:acme/shop")
            let newest = try #require(listed.first?.id)
            let byID = try #require(try await store.ticket(id: newest))
            #expect(byID == listed.first)

            try await store.recordUpdate(sink: "github:acme/shop", fingerprint: "fp-merged-variant", draft: draft)
            #expect(try await store.ticket(id: byID.id)?.updates == [draft.updateComment])
            #expect(try await store.ticket(sink: "local", fingerprints: [draft.fingerprint])?.ticket == local)
        }
    }
}
