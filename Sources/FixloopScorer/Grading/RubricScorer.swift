import FixloopCore
import Foundation

/// A deterministic 0–10 grade of a session timeline that needs no model.
///
/// A session with nothing notable is a passive 7. Reaching a goal milestone adds 2.5 and other milestones 0.5
/// each (up to 1). Unhandled exceptions take 1.5 each (up to 4.5), handled ones 0.5 (up to 1), and one more
/// point when an error hits a milestone route. Rage clicks take 1 each (up to 2), dead clicks 0.5 (up to 1.5),
/// a poor web vital 0.5. Leaving within two minutes of an error without reaching a goal takes 2.5 (peak-end:
/// the worst moment was the last). A session over 30 minutes without a goal takes 0.5. The sum is rounded and
/// clamped to 0–10.
public struct RubricScorer: Sendable {
    /// Scores with confidence below this are marked unsure.
    public static let unsureBelow = 0.6
    /// An error this close to the session's end, with no goal after it, counts as a drop-off.
    public var dropOffWindow: TimeInterval = 120

    /// Creates a scorer.
    public init() {}

    /// Grades `timeline` against the milestones in `context`.
    public func score(_ timeline: SessionTimeline, context: ProductContext) -> RubricScore {
        var points = 7.0
        var reasons: [String] = []
        func adjust(_ delta: Double, _ reason: String) {
            guard delta != 0 else { return }
            points += delta
            reasons.append("\(delta > 0 ? "+" : "")\(Self.format(delta)) \(reason)")
        }
        let reached = timeline.milestonesReached
        let goal = reached.first { $0.isGoal }
        if let goal { adjust(2.5, "reached the goal \(goal.name)") }
        let others = reached.filter { !$0.isGoal }
        if !others.isEmpty {
            adjust(min(1, 0.5 * Double(others.count)), "milestones " + others.map(\.name).joined(separator: ", "))
        }
        let errors = timeline.exceptions
        let unhandled = errors.filter { $0.summary.handled != true }.count
        let handled = errors.count - unhandled
        if unhandled > 0 { adjust(-min(4.5, 1.5 * Double(unhandled)), "\(unhandled) unhandled error(s)") }
        if handled > 0 { adjust(-min(1, 0.5 * Double(handled)), "\(handled) handled error(s)") }
        let milestoneRoutes = Set(context.milestones.filter(\.isRoute).map(\.name))
        if let onRoute = errors.first(where: { milestoneRoutes.contains($0.summary.route) }) {
            adjust(-1, "an error on \(onRoute.summary.route)")
        }
        if timeline.rageClickCount > 0 {
            adjust(-min(2, Double(timeline.rageClickCount)), "\(timeline.rageClickCount) rage click(s)")
        }
        if timeline.deadClickCount > 0 {
            adjust(-min(1.5, 0.5 * Double(timeline.deadClickCount)), "\(timeline.deadClickCount) dead click(s)")
        }
        if timeline.poorVitalCount > 0 { adjust(-0.5, "poor web vitals") }
        let dropOff = droppedOffAfterError(timeline)
        if let dropOff { adjust(-2.5, "left \(DurationText.short(dropOff)) after an error") }
        if goal == nil, timeline.duration > 1800 { adjust(-0.5, "over 30 minutes without reaching a goal") }
        let score = Int(min(10, max(0, points)).rounded(.toNearestOrAwayFromZero))
        let confidence = confidence(timeline, context: context, goalReached: goal != nil, dropOff: dropOff != nil)
        return RubricScore(
            score: score, confidence: confidence, isUnsure: confidence < Self.unsureBelow, reasons: reasons)
    }

    /// Seconds from the last error to the session's end, if the user left soon after it without reaching a goal.
    func droppedOffAfterError(_ timeline: SessionTimeline) -> TimeInterval? {
        guard let last = timeline.exceptions.last else { return nil }
        let goalAfter = timeline.milestonesReached.contains { $0.isGoal && $0.offset >= last.offset }
        let remaining = timeline.duration - last.offset
        guard !goalAfter, remaining <= dropOffWindow else { return nil }
        return remaining
    }

    /// High when the evidence points one way (a clean goal, an error then gone); low when there is little to go
    /// on (no milestones in the context, a bounce, nothing happened) or the signals disagree.
    func confidence(_ timeline: SessionTimeline, context: ProductContext, goalReached: Bool, dropOff: Bool) -> Double {
        let friction = timeline.exceptions.contains { $0.summary.handled != true } || timeline.rageClickCount > 0
        if context.milestones.isEmpty { return 0.3 }
        if timeline.pageCount <= 1, timeline.duration < 10, timeline.exceptions.isEmpty { return 0.3 }
        if goalReached { return friction ? 0.5 : 0.9 }
        if dropOff { return 0.85 }
        if friction { return 0.7 }
        return timeline.deadClickCount > 0 || !timeline.exceptions.isEmpty ? 0.6 : 0.4
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
    }
}
