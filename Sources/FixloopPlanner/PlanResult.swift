import Foundation

/// What one planning run found and did: the patterns with their stats, a decision per pattern, the tickets.
public struct PlanResult: Sendable, Hashable, Codable {
    /// The sessions read: started in `since ..< until`.
    public var since: Date?
    public var until: Date
    /// Sessions in the period, and how many of them had stored facts.
    public var sessions: Int
    public var sessionsWithFacts: Int
    public var baselineMeanScore: Double
    public var baselineNPS: Double
    /// Patterns, highest impact first.
    public var patterns: [Pattern]
    /// One per pattern, in the same order.
    public var decisions: [Decision]
    /// What filing did (empty for `--dry-run` and before filing).
    public var tickets: [TicketOutcome]
    /// Who named the patterns: `rules` or the model.
    public var namedBy: String

    public func decision(for pattern: Pattern) -> Decision? { decisions.first { $0.fingerprint == pattern.fingerprint } }
    public func pattern(_ fingerprint: String) -> Pattern? { patterns.first { $0.fingerprint == fingerprint } }
}

/// What filing did for one ticket decision.
public struct TicketOutcome: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        /// A new ticket was filed.
        case created
        /// The ticket filed before got a comment with the new counts.
        case updated
        /// The ticket filed before already has these counts.
        case unchanged
        /// Found on the tracker (by marker or attachment) though the store did not know it: recorded, then updated.
        case recovered
        /// `--dry-run`: what would happen.
        case wouldCreate = "would_create"
        case wouldUpdate = "would_update"
    }

    public var fingerprint: String
    public var sink: String
    public var action: Action
    /// `local:3`, `gh:o/r#12`, `linear:ENG-4`; nil when nothing was filed.
    public var reference: String?
    public var url: String?
}
