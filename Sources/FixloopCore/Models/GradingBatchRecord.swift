import Foundation

/// One request of a submitted grading batch: which session (and which timeline and prompt) a custom id stands for.
public struct GradingBatchEntry: Sendable, Hashable {
    /// The provider's batch id.
    public var batchID: String
    /// The request's custom id in that batch.
    public var customID: String
    /// The session graded.
    public var sessionID: String
    /// The timeline and prompt the request was made of; a session whose timeline or prompt changed since is asked
    /// again rather than given a grade of something else.
    public var timelineHash: String
    public var promptHash: String

    /// Makes an entry.
    public init(batchID: String, customID: String, sessionID: String, timelineHash: String, promptHash: String) {
        self.batchID = batchID
        self.customID = customID
        self.sessionID = sessionID
        self.timelineHash = timelineHash
        self.promptHash = promptHash
    }
}

/// A submitted grading batch.
public struct GradingBatchRecord: Sendable, Hashable {
    /// The provider's batch id.
    public var id: String
    /// The model spec (`openai:gpt-4.1-mini`).
    public var model: String
    /// When it was submitted.
    public var submittedAt: Date
    /// Requests in it.
    public var requests: Int
    /// The phase its last poll saw (`running`, `completed`, `expired`…), and whether its results were taken.
    public var phase: String
    public var collected: Bool

    /// Makes a record.
    public init(id: String, model: String, submittedAt: Date, requests: Int, phase: String, collected: Bool) {
        self.id = id
        self.model = model
        self.submittedAt = submittedAt
        self.requests = requests
        self.phase = phase
        self.collected = collected
    }
}
