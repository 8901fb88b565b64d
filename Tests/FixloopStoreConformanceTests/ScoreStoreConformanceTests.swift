import FixloopCore
import FixloopScorer
import FixloopSessionTypes
import FixloopTesting
import Foundation
import Testing

/// The scorer's sessions and scores (``SessionArchive``), on every backend: saved and replaced by session id, found
/// again only for the same timeline and prompt, read by period (lowest first, ties by id), counted, found by id
/// prefix and by id with their timeline, and handed to the warehouse write-back with when they were graded.
@Suite struct ScoreStoreConformanceTests {
    static let day = Date(timeIntervalSince1970: 1_748_736_000)  // 2025-06-01T00:00:00Z

    static func score(_ id: String, _ value: Int, at start: Date, model: Bool = false, timeline: String = "t") -> SessionScore {
        let rubric = RubricScore(score: value, confidence: 0.8, isUnsure: false, reasons: ["reason of \(id)"])
        let grade = model
            ? ModelGrade(score: value, intent: "buy", rightProduct: true, wentRight: ["found it"], wentWrong: ["checkout crashed"],
                         failures: [], confidence: 0.9)
            : nil
        return SessionScore(
            sessionID: id, start: start, rubric: rubric, modelGrade: grade, model: model ? "openai/test" : nil,
            promptHash: model ? "p1" : nil, timelineHash: timeline, costUSD: model ? 0.0025 : 0)
    }

    static func timeline(_ id: String, at start: Date, events: Int = 3) -> SessionTimeline {
        SessionTimeline(
            sessionID: id, source: .posthog, start: start, duration: 95.5, eventCount: events,
            entries: [
                TimelineEntry(offset: 0, kind: .page(route: "/cart", dwell: 12)),
                TimelineEntry(offset: 40, kind: .exception(ExceptionSummary(type: "TypeError", message: "x is undefined", route: "/cart"))),
            ])
    }

    @Test(arguments: StoreBackend.available)
    func aScoreIsReplacedAndFoundAgainOnlyForTheSameTimelineAndPrompt(backend: StoreBackend) async throws {
        try await backend.withScorerStores { stores in
            let archive = stores.archive
            let first = Self.score("s1", 6, at: Self.day, model: true, timeline: "t1")
            try await archive.save(first)
            #expect(try await archive.score(sessionID: "s1", timelineHash: "t1", promptHash: "p1") == first)
            #expect(try await archive.score(sessionID: "s1", timelineHash: "t2", promptHash: "p1") == nil)
            #expect(try await archive.score(sessionID: "s1", timelineHash: "t1", promptHash: nil) == nil)
            let rubricOnly = Self.score("s1", 3, at: Self.day, timeline: "t2")
            try await archive.save(rubricOnly)
            #expect(try await archive.score(sessionID: "s1", timelineHash: "t2", promptHash: nil) == rubricOnly)
            #expect(try await archive.score(sessionID: "s1", timelineHash: "t1", promptHash: "p1") == nil)
            #expect(try await archive.scoreCount(since: nil, until: nil) == 1)
        }
    }

    @Test(arguments: StoreBackend.available)
    func scoresAreReadByPeriodLowestFirstAndCounted(backend: StoreBackend) async throws {
        try await backend.withScorerStores { stores in
            let archive = stores.archive
            let hour: TimeInterval = 3_600
            for (id, value, offset) in [("b", 5, 0.0), ("a", 5, 1.0), ("c", 2, 2.0), ("d", 9, 30.0), ("e", 1, -5.0)] {
                try await archive.save(Self.score(id, value, at: Self.day.addingTimeInterval(offset * hour)))
            }
            let (since, until) = (Self.day, Self.day.addingTimeInterval(24 * hour))
            #expect(try await archive.scores(since: since, until: until, limit: nil).map(\.sessionID) == ["c", "a", "b"])
            #expect(try await archive.scores(since: since, until: until, limit: 2).map(\.sessionID) == ["c", "a"])
            #expect(try await archive.scores(since: nil, until: nil, limit: nil).map(\.sessionID) == ["e", "c", "a", "b", "d"])
            #expect(try await archive.scores(since: since, until: nil, limit: nil).count == 4)
            #expect(try await archive.scoreCount(since: since, until: until) == 3)
            #expect(try await archive.scoreCount(since: nil, until: since) == 1)
            #expect(try await archive.newestSessionStart() == Self.day.addingTimeInterval(30 * hour))
            let graded = try await archive.gradedScores(since: since, until: until)
            #expect(graded.map(\.score.sessionID) == ["a", "b", "c"])
            #expect(graded.allSatisfy { abs($0.gradedAt.timeIntervalSinceNow) < 300 })
        }
    }

    @Test(arguments: StoreBackend.available)
    func aSessionIsFoundByIdAndPrefixWithItsTimelineAndScore(backend: StoreBackend) async throws {
        try await backend.withScorerStores { stores in
            let archive = stores.archive
            #expect(try await archive.newestSessionStart() == nil)
            let facts = SessionFacts(
                userHash: "u1", routes: ["/cart"], exitRoute: "/cart", milestones: [], goalReached: false,
                exceptions: [], rageClicks: [], deadClicks: [])
            for id in ["abc-1", "abc-2", "abd-1", "Abc-3"] {
                try await archive.saveSession(Self.timeline(id, at: Self.day), hasSourceID: true, facts: facts)
            }
            try await archive.saveSession(Self.timeline("abc-1", at: Self.day, events: 4), hasSourceID: false, facts: nil)
            let score = Self.score("abc-1", 4, at: Self.day, model: true)
            try await archive.save(score)
            #expect(try await archive.sessionIDs(prefix: "abc", limit: 11) == ["abc-1", "abc-2"])
            #expect(try await archive.sessionIDs(prefix: "ab", limit: 2) == ["abc-1", "abc-2"])
            #expect(try await archive.sessionIDs(prefix: "", limit: 11) == ["Abc-3", "abc-1", "abc-2", "abd-1"])
            let found = try #require(try await archive.session(id: "abc-1"))
            #expect(found.start == Self.day && found.end == Self.day.addingTimeInterval(95.5) && found.eventCount == 4)
            #expect(found.timeline == Self.timeline("abc-1", at: Self.day, events: 4).render())
            #expect(found.score == score)
            let unscored = try #require(try await archive.session(id: "abd-1"))
            #expect(unscored.score == nil && unscored.timeline != nil)
            #expect(try await archive.session(id: "abc") == nil)
            #expect(try await stores.count("session_facts") == 4)
        }
    }
}
