import FixloopCore
import FixloopPlanner
import FixloopPrompts
import FixloopSessionTypes
import Foundation
import Testing

/// The healing measurement on generated weeks: the pattern is what the planner found in the week before the deploy,
/// and the week after has the bug at the rate each case needs.
struct HealingMeterTests {
    static let deploy = PlannerFixtures.weekOne.addingTimeInterval(PlannerFixtures.week)
    static let day: TimeInterval = 86_400

    /// `bug[d]` checkout failures and `ok` purchases on each day `d` from `start`.
    static func days(from start: Date, bug: [Int], ok: Int = 10, okScore: Int = 10, offset: Int) -> [ScoredSession] {
        var sessions: [ScoredSession] = []
        for (d, count) in bug.enumerated() {
            let dayStart = start.addingTimeInterval(Double(d) * day + 3600)
            for i in 0..<count {
                let amount = 12 + i % 7
                var session = PlannerFixtures.failing(offset + d * 100 + i, message: "charge of \(amount).20 is above the cart total \(amount - 1).00", start: dayStart)
                session.start = dayStart.addingTimeInterval(Double(i) * 600)
                sessions.append(session)
            }
            for i in 0..<ok {
                var session = PlannerFixtures.succeeding(offset + d * 100 + 50 + i, start: dayStart)
                session.start = dayStart.addingTimeInterval(Double(i) * 700 + 300)
                session.score = okScore
                sessions.append(session)
            }
        }
        return sessions
    }

    static let before = days(from: PlannerFixtures.weekOne, bug: Array(repeating: 6, count: 7), offset: 0)

    /// The planner's pattern for the amount bug, from the week before the deploy.
    static func matcher() async throws -> (PatternMatcher, String) {
        let plan = try await Planner().plan(sessions: before, since: PlannerFixtures.weekOne, until: deploy)
        let pattern = try #require(plan.patterns.first { $0.signature.subject == "CheckoutError" && $0.stats.sessions == 42 })
        return (PatternMatcher(main: pattern.signature, variants: pattern.variants), pattern.stats.route)
    }

    static func measure(after: [ScoredSession], now: Date, previous: HealingVerdict? = nil) async throws -> HealingMeasurement {
        let (matcher, route) = try await matcher()
        return HealingMeter(windowDays: 7, healedDays: 3).measure(
            sessions: before + after, matcher: matcher, route: route, deployedAt: deploy, now: now, previous: previous)
    }

    @Test func aWeekWithoutTheBugAndABetterNPSIsHealed() async throws {
        let m = try await Self.measure(after: Self.days(from: Self.deploy, bug: Array(repeating: 0, count: 7), offset: 10_000),
                                       now: Self.deploy.addingTimeInterval(7 * Self.day))
        #expect(m.verdict == .healed)
        #expect(m.before.matching == 42 && m.after.matching == 0)
        #expect(m.before.matchingPerDay == Array(repeating: 6, count: 7))
        #expect(m.route == "/checkout")
        #expect(m.before.routeNPS! < m.after.routeNPS!)
        #expect(m.after.goalShare == 1)
        #expect(m.reason.contains("no matching session for 7 days"))
    }

    @Test func withoutTheBugButAWorseNPSIsOnlyImproving() async throws {
        let m = try await Self.measure(after: Self.days(from: Self.deploy, bug: Array(repeating: 0, count: 7), okScore: 3, offset: 10_000),
                                       now: Self.deploy.addingTimeInterval(7 * Self.day))
        #expect(m.verdict == .improving)
        #expect(m.reason.contains("below its usual"))
    }

    @Test func fewerMatchingSessionsAreImproving() async throws {
        let m = try await Self.measure(after: Self.days(from: Self.deploy, bug: Array(repeating: 1, count: 7), offset: 10_000),
                                       now: Self.deploy.addingTimeInterval(7 * Self.day))
        #expect(m.verdict == .improving)
        #expect(m.after.matching == 7)
        #expect(m.reason == "fewer matching sessions: 6.0/day before, 1.0/day after")
    }

    @Test func theSameRateAfterIsNotHealed() async throws {
        let m = try await Self.measure(after: Self.days(from: Self.deploy, bug: Array(repeating: 5, count: 7), offset: 10_000),
                                       now: Self.deploy.addingTimeInterval(7 * Self.day))
        #expect(m.verdict == .notHealed)
        #expect(m.exampleSessions.count == 5)
    }

    @Test func goneForDaysThenBackIsRegressed() async throws {
        let m = try await Self.measure(after: Self.days(from: Self.deploy, bug: [0, 0, 0, 0, 3, 4, 4], offset: 10_000),
                                       now: Self.deploy.addingTimeInterval(7 * Self.day))
        #expect(m.verdict == .regressed)
        #expect(m.after.matchingPerDay == [0, 0, 0, 0, 3, 4, 4])
        #expect(m.reason.hasPrefix("gone for 4 days after the deploy, then back"))
    }

    @Test func aHealedFixWithTheBugBackIsRegressedEvenSoon() async throws {
        let m = try await Self.measure(after: Self.days(from: Self.deploy, bug: [0, 2], offset: 10_000),
                                       now: Self.deploy.addingTimeInterval(2 * Self.day), previous: .healed)
        #expect(m.verdict == .regressed)
    }

    @Test func aPartialAfterWindowCutsTheBeforeWindowToTheSameLength() async throws {
        let m = try await Self.measure(after: Self.days(from: Self.deploy, bug: [0, 0, 0], offset: 10_000),
                                       now: Self.deploy.addingTimeInterval(2.5 * Self.day))
        #expect(m.windowDays == 2.5)
        #expect(m.before.start == Self.deploy.addingTimeInterval(-2.5 * Self.day))
        #expect(m.after.end == Self.deploy.addingTimeInterval(2.5 * Self.day))
        #expect(m.before.matchingPerDay.count == 3 && m.after.matchingPerDay.count == 3)
        // Day 5 from 12:00 (3 of its sessions after 12:00? none: they start at 01:00), days 6 and 7 whole.
        #expect(m.before.matching == 12)
        #expect(m.verdict == .improving)
        #expect(m.reason.contains("only 2 days since the deploy"))
    }

    @Test func lessThanADayAfterTheDeployIsWaiting() async throws {
        let m = try await Self.measure(after: [], now: Self.deploy.addingTimeInterval(5 * 3600))
        #expect(m.verdict == .waiting)
        #expect(m.reason == "only 5 h of sessions after the deploy; the after-window needs a day at least")
    }

    @Test func otherPatternsDoNotMatch() async throws {
        let (matcher, _) = try await Self.matcher()
        let empty = PlannerFixtures.failing(1, message: "cart is empty at checkout", start: Self.deploy)
        let amount = PlannerFixtures.failing(2, message: "charge of 99.20 is above the cart total 98.00", start: Self.deploy)
        let elsewhere = PlannerFixtures.failing(3, message: "charge of 99.20 is above the cart total 98.00", start: Self.deploy,
                                                frames: [SessionFacts.Frame(file: "shop/other.py", function: "charge")])
        #expect(!matcher.matches(empty))
        #expect(matcher.matches(amount))
        #expect(!matcher.matches(elsewhere))
    }

    @Test func theVerdictCommentCarriesTheFigures() async throws {
        let m = try await Self.measure(after: Self.days(from: Self.deploy, bug: Array(repeating: 0, count: 7), offset: 10_000),
                                       now: Self.deploy.addingTimeInterval(7 * Self.day))
        let text = try PromptLibrary().render(HealingVerdictComment(m, signature: "CheckoutError: charge", merged: true)).text
        #expect(text.contains("Since this merged on 9 Jun: 0 sessions hit `CheckoutError: charge` (42 in the 7 days before); /checkout's implied NPS"))
        #expect(text.contains("**Fixloop outcome: healed**"))
        #expect(!text.contains("reopened"))
    }
}
