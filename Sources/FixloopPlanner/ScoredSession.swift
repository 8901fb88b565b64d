import FixloopSessionTypes
import Foundation

/// One scored session as the planner reads it from the store: score, blurb, the model's grade if any, and the
/// structured facts the scorer kept (nil for sessions scored before facts were stored: they count in the
/// baseline but yield no failures).
public struct ScoredSession: Sendable, Hashable, Codable {
    public var id: String
    public var start: Date
    /// The implied NPS answer that counts, 0–10.
    public var score: Int
    /// What went wrong, in a few lines.
    public var blurb: [String]
    public var modelGrade: ModelGrade?
    public var facts: SessionFacts?

    public init(id: String, start: Date, score: Int, blurb: [String], modelGrade: ModelGrade? = nil, facts: SessionFacts?) {
        self.id = id
        self.start = start
        self.score = score
        self.blurb = blurb
        self.modelGrade = modelGrade
        self.facts = facts
    }

    /// The user to count: the facts' hash, else the session itself.
    var userKey: String { facts?.userHash ?? id }
}
