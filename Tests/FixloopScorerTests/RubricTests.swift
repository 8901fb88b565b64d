import Foundation
import Testing

@testable import FixloopExportGenerator
@testable import FixloopIngest
@testable import FixloopScorer

@Suite struct RubricTests {
    static let context = TimelineTests.context

    /// Generated sessions with known outcomes, graded by the rubric, keyed by archetype.
    static func gradedArchetypes() throws -> [SessionArchetype: [RubricScore]] {
        var options = PostHogExportGenerator.Options()
        options.sessions = 150
        options.seed = 7
        let (lines, manifest) = GeneratorTests.generate(options)
        let (_, events) = try GeneratorTests.importLines(lines)
        let sessions = Dictionary(uniqueKeysWithValues: Sessionizer().sessions(from: events).map { ($0.id, $0) })
        let builder = TimelineBuilder(milestones: context.milestones)
        var graded: [SessionArchetype: [RubricScore]] = [:]
        for generated in manifest {
            let session = try #require(sessions[generated.sessionID])
            graded[generated.archetype, default: []]
                .append(RubricScorer().score(builder.timeline(for: session), context: context))
        }
        return graded
    }

    @Test func sessionsWithKnownOutcomesLandInTheirNPSClass() throws {
        let graded = try Self.gradedArchetypes()
        #expect(graded.count == SessionArchetype.weights.count)
        for score in graded[.purchase] ?? [] {
            #expect(score.score >= 9, "purchase: \(score.reasons)")
            #expect(!score.isUnsure)
        }
        for score in graded[.errorDropOff] ?? [] {
            #expect(score.score <= 3, "error drop-off: \(score.reasons)")
            #expect(!score.isUnsure)
            #expect(score.reasons.contains { $0.contains("after an error") })
        }
        for score in graded[.frustratedPurchase] ?? [] {
            #expect((5...8).contains(score.score), "frustrated purchase: \(score.reasons)")
            #expect(score.isUnsure)
        }
        for score in (graded[.browse] ?? []) + (graded[.bounce] ?? []) {
            #expect((6...7).contains(score.score), "browse or bounce: \(score.reasons)")
            #expect(score.isUnsure)
        }
    }

    @Test func theDemoWeeksBackendErrorsAreDropOffs() throws {
        let (lines, manifest) = GeneratorTests.generate(.demoWeek)
        let (_, events) = try GeneratorTests.importLines(lines)
        let sessions = Dictionary(uniqueKeysWithValues: Sessionizer().sessions(from: events).map { ($0.id, $0) })
        let builder = TimelineBuilder(milestones: Self.context.milestones)
        var seen = 0
        for generated in manifest where [.discountError, .emptyCartError].contains(generated.archetype) {
            let timeline = builder.timeline(for: try #require(sessions[generated.sessionID]))
            let rendered = timeline.render()
            #expect(rendered.contains("ERROR CheckoutError"), "\(rendered)")
            #expect(rendered.contains("charge (shop/checkout.py:"), "\(rendered)")
            let score = RubricScorer().score(timeline, context: Self.context)
            #expect(score.score <= 3, "\(generated.archetype): \(score.reasons)")
            seen += 1
        }
        #expect(seen == 43)
    }

    @Test func theRichFixtureIsADetractorDespiteReachingTheGoal() throws {
        let session = try #require(try TimelineTests.sessions("posthog-rich-session.jsonl").first)
        let timeline = TimelineBuilder(milestones: Self.context.milestones).timeline(for: session)
        let score = RubricScorer().score(timeline, context: Self.context)
        #expect(score.reasons == [
            "+2.5 reached the goal checkout_completed", "+1 milestones /checkout, /orders/:id",
            "-3 2 unhandled error(s)", "-1 an error on /checkout", "-1 1 rage click(s)", "-0.5 1 dead click(s)",
            "-0.5 poor web vitals",
        ])
        #expect(score.score == 5)
        #expect(score.confidence == 0.5)
        #expect(score.isUnsure)
    }

    @Test func withoutMilestonesInTheContextEveryScoreIsUnsure() throws {
        let session = try #require(try TimelineTests.sessions("posthog-events.jsonl").first)
        let score = RubricScorer().score(TimelineBuilder().timeline(for: session), context: .empty)
        #expect(score.score == 7)
        #expect(score.isUnsure)
    }

    @Test func anErrorFollowedByTheGoalIsNotADropOff() {
        let timeline = SessionTimeline(
            sessionID: "s", source: .posthog, start: Date(timeIntervalSince1970: 0), duration: 60, eventCount: 3,
            entries: [
                TimelineEntry(offset: 10, kind: .exception(ExceptionSummary(type: "E", message: "", route: "/a"))),
                TimelineEntry(offset: 50, kind: .milestone(name: "paid", isGoal: true)),
            ])
        #expect(RubricScorer().droppedOffAfterError(timeline) == nil)
        var cut = timeline
        cut.entries.removeLast()
        #expect(RubricScorer().droppedOffAfterError(cut) == 50)
    }
}

@Suite struct ImpliedNPSTests {
    @Test(arguments: [
        (2, 1, 1, 25.0),  // 50 % promoters, 25 % detractors
        (0, 5, 0, 0.0),
        (0, 0, 3, -100.0),
        (3, 0, 0, 100.0),
        (1, 1, 1, 0.0),
        (0, 0, 0, 0.0),
    ])
    func npsIsPromotersMinusDetractorsInPercent(promoters: Int, passives: Int, detractors: Int, expected: Double) {
        #expect(ImpliedNPS.nps(promoters: promoters, passives: passives, detractors: detractors) == expected)
    }

    @Test func scoresAreClassedAtTheBoundaries() {
        let day = Date(timeIntervalSince1970: 1_748_959_331)
        let samples = [0, 6, 7, 8, 9, 10, 11, -1].map { ImpliedNPS.Sample(date: day, score: $0) }
        let bucket = ImpliedNPS.aggregate(samples, by: .day)
        #expect(bucket.count == 1)
        #expect(bucket[0].label == "2025-06-03")
        #expect(bucket[0].promoters == 3)
        #expect(bucket[0].passives == 2)
        #expect(bucket[0].detractors == 3)
        #expect(bucket[0].nps == 0)
    }

    @Test func daysAndISOWeeksAreBucketedInOrder() {
        func at(_ text: String, _ score: Int) -> ImpliedNPS.Sample {
            ImpliedNPS.Sample(date: AnalyticsTimestamp.parse(text)!, score: score)
        }
        let samples = [
            at("2025-01-01T10:00:00Z", 10), at("2024-12-30T00:00:00Z", 3), at("2024-12-29T23:59:59Z", 9),
            at("2021-01-03T12:00:00Z", 8),
        ]
        let days = ImpliedNPS.aggregate(samples, by: .day)
        #expect(days.map(\.label) == ["2021-01-03", "2024-12-29", "2024-12-30", "2025-01-01"])
        let weeks = ImpliedNPS.aggregate(samples, by: .week)
        #expect(weeks.map(\.label) == ["2020-W53", "2024-W52", "2025-W01"])
        #expect(weeks.map(\.nps) == [0, 100, 0])
    }
}

@Suite struct ProductContextTests {
    @Test func theExampleContextListsItsMilestonesAndGoal() {
        let context = TimelineTests.context
        #expect(context.name == "Acme Shop")
        #expect(context.milestones.map(\.name) == [
            "signed_up", "product_added", "/checkout", "checkout_completed", "/orders/:id",
        ])
        #expect(context.goals.map(\.name) == ["checkout_completed"])
        #expect(context.milestones[3].description == "paid for an order")
    }

    @Test func milestonesCanBeNumberedAndUnquotedAndOnlyTheirSectionCounts() {
        let context = ProductContext(markdown: """
            # App
            - `not_a_milestone` — outside the section
            ### Milestones
            1. invoice_sent: sent an invoice (Goal)
            2. `/welcome` - saw the welcome page
            ## Other
            - `ignored`
            """)
        #expect(context.milestones == [
            .init(name: "invoice_sent", description: "sent an invoice", isGoal: true),
            .init(name: "/welcome", description: "saw the welcome page", isGoal: false),
        ])
    }
}
