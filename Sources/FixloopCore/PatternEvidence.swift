import Foundation

/// What the planner knows about the failure pattern behind a ticket it filed, kept as data with the ticket in the
/// local store and handed to the engineer as such (a GitHub or Linear ticket is read as text instead).
public struct PatternEvidence: Sendable, Codable, Hashable {
    /// A session that hit the pattern, as the scorer graded it.
    public struct Example: Sendable, Codable, Hashable {
        public var sessionID: String
        public var score: Int
        public var blurb: [String]

        public init(sessionID: String, score: Int, blurb: [String]) {
            self.sessionID = sessionID
            self.score = score
            self.blurb = blurb
        }
    }

    /// Code the planner's search of the repository pointed at.
    public struct Suspect: Sendable, Codable, Hashable {
        public var path: String
        public var line: Int?
        public var reason: String

        public init(path: String, line: Int?, reason: String) {
            self.path = path
            self.line = line
            self.reason = reason
        }
    }

    /// Who the pattern hurt in the period the planner looked at: what the pull request's "User impact" says.
    public struct Impact: Sendable, Codable, Hashable {
        public var sessions: Int
        public var users: Int
        /// The share of the route's sessions that hit the pattern, 0 to 1.
        public var routeShare: Double
        /// Mean implied score of its sessions, and of all the period's sessions.
        public var meanScore: Double
        public var baselineScore: Double
        public var firstSeen: Date
        public var lastSeen: Date

        public init(sessions: Int, users: Int, routeShare: Double, meanScore: Double, baselineScore: Double, firstSeen: Date, lastSeen: Date) {
            self.sessions = sessions
            self.users = users
            self.routeShare = routeShare
            self.meanScore = meanScore
            self.baselineScore = baselineScore
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
        }
    }

    /// The pattern's fingerprint.
    public var pattern: String
    /// The failure's kind in words (`server error`, `client exception`, …).
    public var kind: String
    public var route: String
    /// The signature's text: kind, route and the message's template.
    public var signature: String
    /// Stack frames, innermost first.
    public var frames: [String]
    /// Messages seen in the sessions, values masked.
    public var messages: [String]
    public var examples: [Example]
    public var suspectedCode: [Suspect]
    /// Nil for tickets filed before Fixloop kept it.
    public var impact: Impact?

    public init(pattern: String, kind: String, route: String, signature: String, frames: [String], messages: [String],
                examples: [Example], suspectedCode: [Suspect], impact: Impact? = nil) {
        self.pattern = pattern
        self.kind = kind
        self.route = route
        self.signature = signature
        self.frames = frames
        self.messages = messages
        self.examples = examples
        self.suspectedCode = suspectedCode
        self.impact = impact
    }

    /// The lines the engineer treats as evidence: the messages seen, then the frames.
    public var evidence: [String] { messages + frames }
}
