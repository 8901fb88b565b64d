import FixloopIngest
import Foundation

// The ports the scorer needs from adapters built in other targets. `FixloopStore` (GRDB) implements
// `SessionScoreStore` (and `AnalyticsEventSink`, in Import/); a thin adapter over `FixloopModels`' `ModelClient`
// implements `SessionGradingModel`. The scorer never imports either target; the CLI wires them together.

/// Where session scores are kept, and how the scorer learns that a session needs no new grade.
public protocol SessionScoreStore: Sendable {
    /// The stored score of `sessionID` for this timeline and prompt, if any (then the model is not asked again).
    func score(sessionID: String, timelineHash: String, promptHash: String?) async throws -> SessionScore?
    /// Stores or replaces the score of `score.sessionID`.
    func save(_ score: SessionScore) async throws
}

/// What the scorer needs from a model: one rendered prompt in, the reply text and its cost out.
public protocol SessionGradingModel: Sendable {
    /// The model's name as stored with each grade, e.g. `anthropic/claude-…`.
    var name: String { get }
    /// Sends `instructions` (the stable part, first) and `prompt` (the session, last) — and, on a retry, the
    /// validator's problems with the previous reply — and returns the reply.
    func complete(instructions: String, prompt: String, feedback: [String]) async throws -> GradingReply
}
