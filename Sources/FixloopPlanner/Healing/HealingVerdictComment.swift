import FixloopPrompts
import Foundation

/// The comment that says a fix's verdict on its pull request and ticket (`prompts/planner/healing-verdict.mustache`):
/// "Since this merged on 10 Jun: 0 sessions hit `…` (41 in the 7 days before); /checkout's implied NPS −12 → +34."
public struct HealingVerdictComment: PromptContext {
    public static let templateName = "planner/healing-verdict"

    public struct Example: Encodable, Sendable { public var id: String }

    public var verdict: String
    public var reason: String
    /// `merged` when the deploy is the merge time, else `was deployed`.
    public var event: String
    /// `10 Jun`.
    public var since: String
    public var signature: String
    public var before: Int
    public var after: Int
    /// `7 days`, `2 days`.
    public var window: String
    public var route: String
    public var npsBefore: String
    public var npsAfter: String
    public var meanBefore: String
    public var meanAfter: String
    /// Whether a goal share is known (some session of the route carries milestones), and its line.
    public var hasGoal = false
    public var goal = ""
    public var reopens: Bool
    public var examples: [Example]

    /// - Parameters:
    ///   - measurement: the figures and the verdict.
    ///   - signature: the pattern's signature as one line.
    ///   - merged: whether the deploy time is the merge time.
    public init(_ measurement: HealingMeasurement, signature: String, merged: Bool) {
        let m = measurement
        verdict = m.verdict.rawValue
        reason = m.reason
        event = merged ? "merged" : "was deployed"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM"
        since = formatter.string(from: m.deployedAt)
        self.signature = signature
        before = m.before.matching
        after = m.after.matching
        let days = Int(m.windowDays.rounded(.down))
        window = "\(days) day\(days == 1 ? "" : "s")"
        route = m.route
        npsBefore = m.before.routeNPS.map(HealingMeter.signed) ?? "n/a"
        npsAfter = m.after.routeNPS.map(HealingMeter.signed) ?? "n/a"
        meanBefore = m.before.routeMeanScore.map { String(format: "%.1f", $0) } ?? "n/a"
        meanAfter = m.after.routeMeanScore.map { String(format: "%.1f", $0) } ?? "n/a"
        if let b = m.before.goalShare, let a = m.after.goalShare {
            hasGoal = true
            goal = "Sessions of \(m.route) that reached a goal: \(Int((b * 100).rounded()))% → \(Int((a * 100).rounded()))%."
        }
        reopens = m.verdict.reopens
        examples = m.exampleSessions.map { Example(id: $0) }
    }
}
