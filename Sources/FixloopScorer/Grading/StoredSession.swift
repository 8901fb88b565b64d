import Foundation

/// A session as `fixloop sessions show` reads it back: its timeline text and its score.
public struct StoredSession: Sendable, Hashable {
    /// The session id.
    public var id: String
    /// The first event's time.
    public var start: Date
    /// The last event's time.
    public var end: Date
    /// How many events it had.
    public var eventCount: Int
    /// The rendered timeline, if the session was scored.
    public var timeline: String?
    /// The score, if the session was scored.
    public var score: SessionScore?

    /// Creates a record.
    public init(id: String, start: Date, end: Date, eventCount: Int, timeline: String?, score: SessionScore?) {
        self.id = id
        self.start = start
        self.end = end
        self.eventCount = eventCount
        self.timeline = timeline
        self.score = score
    }
}

/// A stored score with the time it was graded: what the warehouse write-back sends.
public struct GradedScore: Sendable, Hashable {
    public var score: SessionScore
    public var gradedAt: Date

    /// Creates a record.
    public init(score: SessionScore, gradedAt: Date) {
        self.score = score
        self.gradedAt = gradedAt
    }
}
