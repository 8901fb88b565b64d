import Foundation

/// Measures one deployed fix: matching sessions, the route's implied NPS and mean score, and the goal share over
/// equal windows before and after the deploy time, then the verdict. Pure: sessions and times in, figures out.
public struct HealingMeter: Sendable {
    /// Each window's full length, in days (`[planner] outcome_window_days`).
    public var windowDays: Int
    /// Days without a matching session that make a fix healed (`[planner] healed_days`).
    public var healedDays: Int
    /// How far below the before-window's route NPS the after-window may be and still count as its usual range.
    public var npsTolerance: Double = 10
    /// After-rate over before-rate from which the sessions "continue at a similar rate".
    public var similarRate: Double = 0.5

    public init(windowDays: Int = 7, healedDays: Int = 3) {
        self.windowDays = windowDays
        self.healedDays = healedDays
    }

    /// - Parameters:
    ///   - sessions: the scored sessions from (at least) a window before the deploy until `now`.
    ///   - matcher: the pattern's signatures.
    ///   - route: the pattern's route.
    ///   - deployedAt: when the fix went live.
    ///   - now: the measuring time.
    ///   - previous: the verdict reached before, if any (a healed fix with matching sessions again has regressed).
    public func measure(sessions: [ScoredSession], matcher: PatternMatcher, route: String, deployedAt: Date, now: Date,
                        previous: HealingVerdict? = nil) -> HealingMeasurement {
        let day: TimeInterval = 86_400
        let length = max(0, min(Double(windowDays) * day, now.timeIntervalSince(deployedAt)))
        let matchingAfter = sessions.filter { $0.start >= deployedAt && $0.start < now && matcher.matches($0) }.sorted { $0.start < $1.start }
        let before = window(sessions, matcher, route, from: deployedAt - length, to: deployedAt)
        let after = window(sessions, matcher, route, from: deployedAt, to: deployedAt + length)
        let recent = matchingAfter.filter { $0.start >= now - Double(healedDays) * day }.count
        var measurement = HealingMeasurement(
            deployedAt: deployedAt, measuredAt: now, windowDays: length / day, route: route, before: before, after: after,
            recentMatching: recent, firstMatchAfter: matchingAfter.first?.start,
            goalNote: after.goalShare == nil && before.goalShare == nil ? "no session of \(route) carries milestones (the product context names none)" : nil,
            verdict: .waiting, reason: "", exampleSessions: matchingAfter.prefix(5).map(\.id))
        (measurement.verdict, measurement.reason) = verdict(measurement, previous: previous)
        return measurement
    }

    func verdict(_ m: HealingMeasurement, previous: HealingVerdict?) -> (HealingVerdict, String) {
        let days = m.windowDays
        guard days >= 1 else {
            guard days > 0 else { return (.waiting, "no scored session after the deploy yet") }
            return (.waiting, "only \(Self.hours(days)) of sessions after the deploy; the after-window needs a day at least")
        }
        let sinceDeploy = m.measuredAt.timeIntervalSince(m.deployedAt) / 86_400
        if let first = m.firstMatchAfter, m.recentMatching > 0 || m.after.matching > 0 {
            let gone = first.timeIntervalSince(m.deployedAt) / 86_400
            if gone >= Double(healedDays) || previous == .healed {
                return (.regressed, "gone for \(Self.days(gone)) after the deploy, then back: \(m.recentMatching) matching sessions in the last \(healedDays) days")
            }
        }
        if m.after.matching == 0 && m.recentMatching == 0 {
            guard sinceDeploy >= Double(healedDays) else {
                return (.improving, "no matching session yet, but only \(Self.days(sinceDeploy)) since the deploy (healed_days \(healedDays))")
            }
            if let after = m.after.routeNPS, let before = m.before.routeNPS, after < before - npsTolerance {
                return (.improving, "no matching session for \(Self.days(sinceDeploy)), but \(m.route)'s implied NPS \(Self.signed(after)) is below its usual \(Self.signed(before))")
            }
            return (.healed, "no matching session for \(Self.days(sinceDeploy)) since the deploy; \(m.route)'s implied NPS \(Self.npsChange(m))")
        }
        let (beforeRate, afterRate) = (Double(m.before.matching) / days, Double(m.after.matching) / days)
        let rates = "\(Self.rate(beforeRate))/day before, \(Self.rate(afterRate))/day after"
        if afterRate >= similarRate * beforeRate {
            return (.notHealed, "matching sessions continue at a similar rate: \(rates)")
        }
        return (.improving, "fewer matching sessions: \(rates)")
    }

    private func window(_ sessions: [ScoredSession], _ matcher: PatternMatcher, _ route: String, from start: Date, to end: Date) -> HealingMeasurement.Window {
        let inside = sessions.filter { $0.start >= start && $0.start < end }
        let dayCount = max(1, Int((end.timeIntervalSince(start) / 86_400).rounded(.up)))
        var perDay = Array(repeating: 0, count: end > start ? dayCount : 0)
        var matching = 0
        for session in inside where matcher.matches(session) {
            matching += 1
            perDay[min(dayCount - 1, Int(session.start.timeIntervalSince(start) / 86_400))] += 1
        }
        let visitors = inside.filter { $0.facts?.routes.contains(route) == true }
        let scores = visitors.map(\.score)
        let knowsMilestones = visitors.filter { !($0.facts?.milestones.isEmpty ?? true) || $0.facts?.goalReached == true }
        return HealingMeasurement.Window(
            start: start, end: end, matching: matching, matchingPerDay: perDay, routeSessions: visitors.count,
            routeNPS: scores.isEmpty ? nil : PeriodBaseline.nps(scores), routeMeanScore: scores.isEmpty ? nil : PeriodBaseline.mean(scores),
            goalShare: knowsMilestones.isEmpty ? nil : Double(visitors.filter { $0.facts?.goalReached == true }.count) / Double(visitors.count))
    }

    static func npsChange(_ m: HealingMeasurement) -> String {
        "\(m.before.routeNPS.map(signed) ?? "n/a") → \(m.after.routeNPS.map(signed) ?? "n/a")"
    }

    /// `+34`, `−12` (a true minus sign), `0`.
    public static func signed(_ value: Double) -> String {
        let rounded = Int(value.rounded())
        return rounded > 0 ? "+\(rounded)" : rounded < 0 ? "\u{2212}\(-rounded)" : "0"
    }

    static func rate(_ value: Double) -> String { String(format: "%.1f", value) }
    static func days(_ value: Double) -> String { value >= 1 ? "\(Int(value)) day\(Int(value) == 1 ? "" : "s")" : hours(value) }
    static func hours(_ days: Double) -> String { "\(Int((days * 24).rounded())) h" }
}
