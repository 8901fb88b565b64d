import Foundation

/// A group of failures that are the same problem, with what it cost and where the code probably is.
public struct Pattern: Sendable, Hashable, Codable {
    /// What the pattern is, for the people reading the ticket.
    public enum Classification: String, Sendable, Hashable, Codable, CaseIterable {
        /// The product is broken: an exception, an unresponsive control.
        case bug
        /// The product works but people get lost: rethink the flow.
        case productFlow = "product_flow"
        /// People want something the product does not do.
        case featureRequest = "feature_request"
    }

    /// The fingerprint of the pattern's main signature: the key of its ticket, stable across runs and weeks.
    public var fingerprint: String
    /// Every member signature's fingerprint (a ticket filed under any of them belongs to this pattern).
    public var memberFingerprints: [String]
    /// The main signature (the one with the most sessions).
    public var signature: FailureSignature
    /// The other signatures merged in as near-duplicates.
    public var variants: [FailureSignature]
    public var name: String
    public var summary: String
    public var classification: Classification
    /// Who named it: `rules` or the model's name.
    public var namedBy: String
    public var stats: PatternStats
    /// Example raw messages (exceptions), at most three distinct ones.
    public var exampleMessages: [String]
    /// Where the code probably is, from the codebase check.
    public var suspectedCode: [SuspectedLocation]
}

/// What a pattern cost in the period.
public struct PatternStats: Sendable, Hashable, Codable {
    /// A session that shows the pattern, with its blurb.
    public struct Example: Sendable, Hashable, Codable {
        public var sessionID: String
        public var score: Int
        public var blurb: [String]
    }

    public var sessions: Int
    public var users: Int
    /// The route the pattern happens on most.
    public var route: String
    /// Sessions of the period that visited ``route``.
    public var routeSessions: Int
    /// ``sessions`` / ``routeSessions``.
    public var routeShare: Double
    /// Mean implied NPS answer (0–10) of the pattern's sessions.
    public var meanScore: Double
    /// Mean answer of every session of the period.
    public var baselineMeanScore: Double
    /// NPS (% promoters − % detractors) of the pattern's sessions, and of the period.
    public var nps: Double
    public var baselineNPS: Double
    public var firstSeen: Date
    public var lastSeen: Date
    public var examples: [Example]

    /// How far the pattern's sessions score below the period, in answer points (at least 0).
    public var scoreDrop: Double { max(0, baselineMeanScore - meanScore) }
}

/// A place in the repository the codebase check points at.
public struct SuspectedLocation: Sendable, Hashable, Codable {
    /// The path relative to the repository root.
    public var path: String
    public var line: Int?
    /// Why: `raises the message`, `frame charge`, `handles /checkout`.
    public var reason: String

    public init(path: String, line: Int?, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `shop/checkout.py:42 (frame charge)`.
    public var text: String { "\(path)\(line.map { ":\($0)" } ?? "") (\(reason))" }
}
