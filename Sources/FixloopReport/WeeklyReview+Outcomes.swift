import Foundation

extension WeeklyReview {
    /// One fix deployed before the period's end and what the healing loop measured about it: the matching sessions
    /// and the route's implied NPS over equal windows before and after the deploy, the verdict and its reason.
    public struct Outcome: Sendable, Hashable, Codable {
        public var ticket: String
        /// The ticket's page at its tracker; nil for a local ticket.
        public var ticketURL: String?
        public var title: String
        public var pullRequest: String?
        public var branch: String?
        public var mergedAt: Date?
        public var deployedAt: Date
        /// The pattern's route (`/checkout`), empty when not measured yet.
        public var route = ""
        /// Each window's length in days (shorter while the after-window fills).
        public var windowDays = 0.0
        /// Sessions whose failures match the pattern, before and after the deploy.
        public var matchingBefore = 0
        public var matchingAfter = 0
        /// The route's implied NPS before and after; nil when no session visited it.
        public var npsBefore: Double?
        public var npsAfter: Double?
        /// `healed`, `improving`, `not_healed`, `regressed`, `waiting`; nil when not measured yet.
        public var verdict: String?
        public var reason: String?

        public init(ticket: String, title: String, deployedAt: Date, mergedAt: Date? = nil, pullRequest: String? = nil, branch: String? = nil) {
            self.ticket = ticket
            self.title = title
            self.deployedAt = deployedAt
            self.mergedAt = mergedAt
            self.pullRequest = pullRequest
            self.branch = branch
        }
    }
}
