import FixloopCore
import FixloopPlanner
import FixloopStore
import Foundation
import Testing

/// The healing store's behaviour on both backends: merges kept once, lives linked from tickets and runs, deploy
/// times, measurements, the once-only announcement, the plans' signatures and local tickets' comments.
struct HealingStoreConformanceTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let pull = "https://github.com/o/r/pull/7"

    @Test(arguments: StoreBackend.available)
    func theFirstMergeLearntForAPullRequestStays(backend: StoreBackend) async throws {
        try await backend.withHealingStore { store, fixture in
            #expect(try await store.merge(pullRequest: Self.pull) == nil)
            let webhook = PullRequestMerge(pullRequest: Self.pull, commit: "abc", mergedAt: Self.start, source: .webhook)
            try await store.recordMerge(webhook)
            try await store.recordMerge(PullRequestMerge(pullRequest: Self.pull, commit: "def", mergedAt: Self.start + 60, source: .api))
            #expect(try await store.merge(pullRequest: Self.pull) == webhook)
            let other = try await fixture.open()
            let branch = PullRequestMerge(pullRequest: "branch:/r#fixloop/a", commit: nil, mergedAt: Self.start, source: .git)
            try await other.recordMerge(branch)
            #expect(try await store.merge(pullRequest: "branch:/r#fixloop/a") == branch, "another handle's merge is seen")
        }
    }

    @Test(arguments: StoreBackend.available)
    func eachFiledTicketIsLinkedToItsNewestFixedRunAndDeployedAtItsMergePlusTheDelay(backend: StoreBackend) async throws {
        try await backend.withHealingStore { store, fixture in
            try await fixture.fileTicket(1, "local:1", "fp1", "The charge fails")
            try await fixture.fileTicket(2, "gh:o/r#2", "fp2", "The cart empties")
            try await fixture.fileTicket(3, "local:3", "fp3", "Never fixed")
            try await fixture.fileTicket(4, nil, "fp4", "Not filed anywhere")
            try await fixture.fixedRun("run-1", ticket: "local:1", branch: "fixloop/a", pullRequest: nil, startedAt: Self.start)
            try await fixture.fixedRun("run-2", ticket: "gh:o/r#2", branch: "fixloop/old", pullRequest: "https://github.com/o/r/pull/1",
                                       startedAt: Self.start)
            try await fixture.fixedRun("run-3", ticket: "gh:o/r#2", branch: "fixloop/b", pullRequest: Self.pull, startedAt: Self.start + 60)
            try await fixture.fixedRun("run-4", ticket: "gh:o/r#2", branch: "fixloop/c", pullRequest: "https://github.com/o/r/pull/9",
                                       startedAt: Self.start + 120, status: .error)
            try await fixture.fixedRun("run-5", ticket: "local:3", branch: nil, pullRequest: nil, startedAt: Self.start)
            try await store.sync(deployDelay: 3600)

            var lives = try await store.lives()
            #expect(lives.map(\.ticket) == ["gh:o/r#2", "local:1"], "newest ticket first; a ticket without a pushed fix has no life")
            #expect(lives.map(\.state) == ["open", "branch"])
            #expect(lives[0].pullRequest == Self.pull && lives[0].branch == "fixloop/b" && lives[0].title == "The cart empties")
            #expect(lives[1].mergeKey == "branch:/r#fixloop/a" && lives[1].fingerprint == "fp1" && lives.allSatisfy { $0.deployedAt == nil })

            try await store.recordMerge(PullRequestMerge(pullRequest: Self.pull, commit: "abc", mergedAt: Self.start + 600, source: .webhook))
            try await store.recordMerge(PullRequestMerge(pullRequest: "branch:/r#fixloop/a", commit: "def", mergedAt: Self.start, source: .git))
            try await store.sync(deployDelay: 3600)
            lives = try await store.lives()
            #expect(lives.map(\.state) == ["merged", "merged"])
            #expect(lives[0].merge?.commit == "abc" && lives[0].merge?.source == .webhook && lives[0].merge?.mergedAt == Self.start + 600)
            #expect(lives[0].deployedAt == Self.start + 4200 && lives[1].deployedAt == Self.start + 3600 && lives.allSatisfy { !$0.deployStated })
            #expect(try await store.life(ticket: "local:1")?.merge?.commit == "def")
            #expect(try await store.life(ticket: "local:3") == nil)

            try await store.sync(deployDelay: 0)
            #expect(try await store.life(ticket: "local:1")?.deployedAt == Self.start, "the delay is applied afresh")
        }
    }

    @Test(arguments: StoreBackend.available)
    func handlesSyncingAtOnceAllSucceedWithOneLifePerTicket(backend: StoreBackend) async throws {
        try await backend.withHealingStore { store, fixture in
            for id in 1...20 {
                try await fixture.fileTicket(id, "local:\(id)", "fp\(id)", "Ticket \(id)")
                try await fixture.fixedRun("run-\(id)", ticket: "local:\(id)", branch: "fixloop/\(id)", pullRequest: "https://github.com/o/r/pull/\(id)",
                                           startedAt: Self.start)
                try await store.recordMerge(PullRequestMerge(pullRequest: "https://github.com/o/r/pull/\(id)", commit: nil, mergedAt: Self.start,
                                                             source: .webhook))
            }
            var handles: [any HealingStore] = []
            for _ in 0..<4 { handles.append(try await fixture.open()) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for handle in handles {
                    group.addTask { for _ in 0..<5 { try await handle.sync(deployDelay: 60) } }
                }
                try await group.waitForAll()
            }
            let lives = try await store.lives()
            #expect(lives.count == 20 && lives.allSatisfy { $0.deployedAt == Self.start + 60 })
        }
    }

    @Test(arguments: StoreBackend.available)
    func aStatedDeployStaysThroughLaterSyncs(backend: StoreBackend) async throws {
        try await backend.withHealingStore { store, fixture in
            try await fixture.fileTicket(1, "local:1", "fp1", "The charge fails")
            try await fixture.fixedRun("run-1", ticket: "local:1", branch: "fixloop/a", pullRequest: Self.pull, startedAt: Self.start)
            try await store.recordMerge(PullRequestMerge(pullRequest: Self.pull, commit: nil, mergedAt: Self.start, source: .api))
            try await store.sync(deployDelay: 3600)
            #expect(try await store.stateDeployed(ticket: "local:1", at: Self.start + 86_400))
            #expect(try await !store.stateDeployed(ticket: "local:9", at: Self.start), "no fix, nothing stated")
            try await store.sync(deployDelay: 3600)
            let life = try #require(try await store.life(ticket: "local:1"))
            #expect(life.deployedAt == Self.start + 86_400 && life.deployStated)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aMeasurementIsKeptAndAVerdictIsClaimedOnceReleasedAndRecorded(backend: StoreBackend) async throws {
        try await backend.withHealingStore { store, fixture in
            try await fixture.fileTicket(1, "local:1", "fp1", "The charge fails")
            try await fixture.fixedRun("run-1", ticket: "local:1", branch: "fixloop/a", pullRequest: nil, startedAt: Self.start)
            try await store.sync(deployDelay: 0)
            let measurement = try Self.measurement(.healed)
            try await store.recordMeasurement(ticket: "local:1", measurement)
            var life = try #require(try await store.life(ticket: "local:1"))
            #expect(life.measurement == measurement && life.announced == nil && life.reopenedAt == nil)

            #expect(try await store.claimAnnouncement(ticket: "local:1", verdict: .healed, replacing: nil))
            #expect(try await !store.claimAnnouncement(ticket: "local:1", verdict: .healed, replacing: nil), "already claimed")
            #expect(try await store.life(ticket: "local:1")?.announced == .healed)
            try await store.releaseAnnouncement(ticket: "local:1", verdict: .healed, restoring: nil)
            #expect(try await store.life(ticket: "local:1")?.announced == nil, "a verdict not said is given back")
            #expect(try await store.claimAnnouncement(ticket: "local:1", verdict: .healed, replacing: nil))
            try await store.recordAnnounced(ticket: "local:1", verdict: .healed, reopened: false)

            #expect(try await store.claimAnnouncement(ticket: "local:1", verdict: .regressed, replacing: .healed))
            try await store.releaseAnnouncement(ticket: "local:1", verdict: .notHealed, restoring: .healed)
            #expect(try await store.life(ticket: "local:1")?.announced == .regressed, "only the claimed verdict is released")
            try await store.recordAnnounced(ticket: "local:1", verdict: .regressed, reopened: true)
            life = try #require(try await store.life(ticket: "local:1"))
            #expect(life.announced == .regressed && life.reopenedAt != nil)
            #expect(try await !store.claimAnnouncement(ticket: "local:9", verdict: .healed, replacing: nil), "no life, no claim")
        }
    }

    @Test(arguments: StoreBackend.available)
    func ofHandlesRacingToClaimOneVerdictExactlyOneWins(backend: StoreBackend) async throws {
        try await backend.withHealingStore { store, fixture in
            try await fixture.fileTicket(1, "local:1", "fp1", "The charge fails")
            try await fixture.fixedRun("run-1", ticket: "local:1", branch: "fixloop/a", pullRequest: nil, startedAt: Self.start)
            try await store.sync(deployDelay: 0)
            var handles: [any HealingStore] = []
            for _ in 0..<6 { handles.append(try await fixture.open()) }
            var previous: HealingVerdict?
            for verdict in [HealingVerdict.improving, .healed, .regressed] {
                let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for handle in handles {
                        group.addTask { [previous] in try await handle.claimAnnouncement(ticket: "local:1", verdict: verdict, replacing: previous) }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(wins == 1, "\(verdict): \(wins) handles won the claim")
                previous = verdict
            }
            #expect(try await store.life(ticket: "local:1")?.announced == .regressed)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aPatternsSignaturesComeFromTheNewestPlanThatKeptIt(backend: StoreBackend) async throws {
        try await backend.withHealingStore { store, fixture in
            try await fixture.keepPlan(1, Self.plan(fingerprint: "fp1", members: ["fp1", "fp1b"], route: "/old"))
            try await fixture.keepPlan(2, Self.plan(fingerprint: "fp1", members: ["fp1", "fp1b"], route: "/checkout"))
            try await fixture.keepPlan(3, Self.plan(fingerprint: "fp2", members: ["fp2"], route: "/cart"))
            let found = try #require(try await store.signatures(fingerprint: "fp1"))
            #expect(found.route == "/checkout" && found.main.subject == "CheckoutError" && found.variants.map(\.subject) == ["ChargeError"])
            #expect(try await store.signatures(fingerprint: "fp1b")?.route == "/checkout", "a member fingerprint finds its pattern")
            #expect(try await store.signatures(fingerprint: "fp9") == nil)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aLocalTicketsCommentsAreAppendedInOrder(backend: StoreBackend) async throws {
        try await backend.withHealingStore { store, fixture in
            try await fixture.fileTicket(1, "local:1", "fp1", "The charge fails")
            try await store.commentOnLocalTicket(id: 1, "**Fixloop outcome: healed**")
            try await fixture.open().commentOnLocalTicket(id: 1, "**Fixloop outcome: regressed**")
            try await store.commentOnLocalTicket(id: 9, "nobody reads this")
            #expect(try await fixture.updates(1) == ["**Fixloop outcome: healed**", "**Fixloop outcome: regressed**"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func aPullRequestsStateIsReadBackAndTheNewestSaveWins(backend: StoreBackend) async throws {
        try await backend.withPullRequestStateStore { store in
            #expect(try await store.state(url: Self.pull) == nil)
            try await store.save(PullRequestState(url: Self.pull, state: "open", readAt: Self.start))
            #expect(try await store.state(url: Self.pull) == PullRequestState(url: Self.pull, state: "open", readAt: Self.start))
            try await store.save(PullRequestState(url: Self.pull, state: "merged", readAt: Self.start + 3600))
            try await store.save(PullRequestState(url: "https://github.com/o/r/pull/8", state: "draft", readAt: Self.start))
            #expect(try await store.state(url: Self.pull) == PullRequestState(url: Self.pull, state: "merged", readAt: Self.start + 3600))
        }
    }

    /// A measurement as the meter writes one (its initializer is the planner's own).
    static func measurement(_ verdict: HealingVerdict) throws -> HealingMeasurement {
        let window = ["start": 1_800_000_000, "end": 1_800_600_000, "matching": 0, "matchingPerDay": [0, 0], "routeSessions": 5,
                      "routeNPS": 20.0] as [String: Any]
        let object: [String: Any] = [
            "deployedAt": 1_800_000_000, "measuredAt": 1_800_600_000, "windowDays": 7.0, "route": "/checkout", "before": window,
            "after": window, "recentMatching": 0, "verdict": verdict.rawValue, "reason": "gone", "exampleSessions": ["s1"],
        ]
        return try PlanStoreJSON.decoder.decode(HealingMeasurement.self, from: JSONSerialization.data(withJSONObject: object))
    }

    /// A plan's JSON with one pattern (main signature `CheckoutError`, variant `ChargeError`) on `route`.
    static func plan(fingerprint: String, members: [String], route: String) throws -> String {
        func signature(_ subject: String) -> [String: Any] {
            ["kind": "exception", "route": route, "subject": subject, "template": "charge of <num>", "frames": ["shop/checkout.py:charge"]]
        }
        let stats: [String: Any] = [
            "sessions": 3, "users": 2, "route": route, "routeSessions": 5, "routeShare": 0.6, "meanScore": 3.0, "baselineMeanScore": 7.0,
            "nps": -40.0, "baselineNPS": 20.0, "firstSeen": 1_800_000_000, "lastSeen": 1_800_000_100, "examples": [],
        ]
        let pattern: [String: Any] = [
            "fingerprint": fingerprint, "memberFingerprints": members, "signature": signature("CheckoutError"),
            "variants": [signature("ChargeError")], "name": "Checkout fails", "summary": "", "classification": "bug", "namedBy": "rules",
            "stats": stats, "exampleMessages": [], "suspectedCode": [],
        ]
        let plan: [String: Any] = [
            "until": 1_800_600_000, "sessions": 10, "sessionsWithFacts": 10, "baselineMeanScore": 7.0, "baselineNPS": 20.0,
            "patterns": [pattern], "decisions": [], "tickets": [], "namedBy": "rules",
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: plan, options: [.sortedKeys]), as: UTF8.self)
    }
}
