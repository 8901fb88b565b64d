import Foundation

/// Whether a merged and deployed fix made its pattern go away.
public enum HealingVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// No matching session for `healed_days`, and the route's implied NPS in its usual range or better.
    case healed
    /// Fewer matching sessions than before, or none yet for too short a time.
    case improving
    /// Matching sessions continue at a similar rate.
    case notHealed = "not_healed"
    /// Gone for `healed_days` or more after the deploy (or healed before), then back.
    case regressed
    /// Deployed less than a day ago: nothing to compare yet.
    case waiting

    /// Whether the verdict reopens the ticket.
    public var reopens: Bool { self == .regressed || self == .notHealed }
}

/// A fix's before/after figures over two equal windows around its deploy time, with the verdict and its reason.
public struct HealingMeasurement: Sendable, Hashable, Codable {
    /// One window's figures.
    public struct Window: Sendable, Hashable, Codable {
        public var start: Date
        public var end: Date
        /// Sessions whose failures match the pattern.
        public var matching: Int
        /// Matching sessions per day of the window (the last day may be partial).
        public var matchingPerDay: [Int]
        /// Sessions that visited the pattern's route.
        public var routeSessions: Int
        /// Implied NPS (% promoters − % detractors) and mean score (0–10) of those sessions; nil when there were none.
        public var routeNPS: Double?
        public var routeMeanScore: Double?
        /// Share of the route's sessions that reached a goal milestone; nil when no session knows milestones.
        public var goalShare: Double?
    }

    public var deployedAt: Date
    public var measuredAt: Date
    /// Each window's length in days (shorter than the configured one while the after-window fills).
    public var windowDays: Double
    public var route: String
    public var before: Window
    public var after: Window
    /// Matching sessions in the last `healed_days` before ``measuredAt``.
    public var recentMatching: Int
    /// The first matching session after the deploy, if any.
    public var firstMatchAfter: Date?
    /// Why there is no goal share (no session of the route carries milestones), or nil.
    public var goalNote: String?
    public var verdict: HealingVerdict
    public var reason: String
    /// Up to five matching sessions after the deploy (the evidence when the ticket reopens).
    public var exampleSessions: [String]
}
