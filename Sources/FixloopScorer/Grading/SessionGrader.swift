import Foundation

/// Grades assessed sessions through the ports: reuses a stored grade for the same timeline and prompt, else asks
/// the model (once more with the validator's problems if the reply breaks the contract), and saves the score.
///
/// A reply that is still invalid after the retries, or a call refused by a budget, leaves the rubric's score:
/// both are outcomes, not errors.
public struct SessionGrader: Sendable {
    /// How a session's score came about.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The mode did not send it to the model.
        case rubric
        /// A stored grade for the same timeline and prompt was reused; no call was made.
        case reused
        /// The model graded it.
        case model
        /// The model's replies broke the contract every time; the rubric's score stands.
        case rejected
        /// The model declined the call (budget); the rubric's score stands.
        case refused
    }

    /// The model, or nil to grade with the rubric alone.
    public var model: (any SessionGradingModel)?
    /// Where scores are kept.
    public var store: any SessionScoreStore
    /// Calls per session, the first included.
    public var maximumAttempts: Int

    /// Creates a grader.
    public init(model: (any SessionGradingModel)?, store: any SessionScoreStore, maximumAttempts: Int = 2) {
        self.model = model
        self.store = store
        self.maximumAttempts = max(1, maximumAttempts)
    }

    /// Grades one assessment and saves its score.
    /// - Parameter allowModel: false once a budget refused a call, so the rest keep the rubric's score.
    /// - Returns: The score saved and how it came about.
    /// - Throws: What the store or the model's transport throws (not refusals or invalid replies).
    public func grade(_ assessment: SessionAssessment, allowModel: Bool = true) async throws -> (SessionScore, Outcome) {
        var score = assessment.score
        guard assessment.prompt != nil, let model, allowModel else {
            score.promptHash = nil
            try await store.save(score)
            return (score, .rubric)
        }
        if let stored = try await store.score(
            sessionID: score.sessionID, timelineHash: score.timelineHash, promptHash: score.promptHash),
            stored.modelGrade != nil {
            return (stored, .reused)
        }
        score.model = model.name
        let outcome = try await ask(model, about: assessment, score: &score, feedback: [], attempts: maximumAttempts)
        try await store.save(score)
        return (score, outcome)
    }

    /// Asks `model` up to `attempts` times, starting from `feedback`, and leaves `score` as it must be saved: with
    /// the grade, or without a prompt hash (so the next run asks again).
    func ask(_ model: any SessionGradingModel, about assessment: SessionAssessment, score: inout SessionScore,
             feedback start: [String], attempts: Int) async throws -> Outcome {
        var feedback = start
        var outcome = Outcome.rejected
        for _ in 0..<attempts {
            let reply: GradingReply
            do {
                reply = try await model.complete(instructions: assessment.instructions ?? "", prompt: assessment.prompt ?? "", feedback: feedback)
            } catch let error as ScorerError where error.kind == .modelRefused {
                outcome = .refused
                break
            }
            score.costUSD += reply.costUSD
            switch ModelGradeValidator().validate(reply.text, against: assessment.timeline) {
            case .valid(let grade):
                score.modelGrade = grade
                outcome = .model
            case .invalid(let problems):
                feedback = problems
            }
            if outcome == .model { break }
        }
        if outcome != .model {
            // Without a valid grade the stored row must not look graded, so the next run asks again.
            score.promptHash = nil
            if outcome == .refused, score.costUSD == 0 { score.model = nil }
        }
        return outcome
    }
}
