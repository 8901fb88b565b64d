extension SessionGrader {
    /// What a provider batch gave for one session.
    public enum BatchAnswer: Sendable, Hashable {
        /// The model's reply, priced at the batch rate.
        case reply(GradingReply)
        /// No reply: the request errored, expired or was cancelled (the reason, for messages).
        case failed(String)
    }

    /// Takes a batch's answer for `assessment` and saves the score: a reply the validator accepts is the model's
    /// grade; a rejected one gets one repair round as a direct call with the validator's problems; a request that
    /// errored or expired is graded directly, as without a batch.
    /// - Parameter allowModel: false once a budget refused a call: no repair call, the rubric's score stands.
    /// - Returns: The score saved, how it came about, and whether a direct call was needed.
    /// - Throws: What the store or the model's transport throws.
    public func accept(_ answer: BatchAnswer, for assessment: SessionAssessment, allowModel: Bool = true)
        async throws -> (score: SessionScore, outcome: Outcome, direct: Bool) {
        guard let model else {
            let (score, outcome) = try await grade(assessment, allowModel: false)
            return (score, outcome, false)
        }
        var score = assessment.score
        score.model = model.name
        var feedback: [String] = []
        var attempts = maximumAttempts
        if case .reply(let reply) = answer {
            score.costUSD += reply.costUSD
            switch ModelGradeValidator().validate(reply.text, against: assessment.timeline) {
            case .valid(let grade):
                score.modelGrade = grade
                try await store.save(score)
                return (score, .model, false)
            case .invalid(let problems):
                feedback = problems
                attempts = maximumAttempts - 1
            }
        }
        guard allowModel, attempts > 0 else {
            score.promptHash = nil
            try await store.save(score)
            return (score, allowModel ? .rejected : .refused, false)
        }
        let outcome = try await ask(model, about: assessment, score: &score, feedback: feedback, attempts: attempts)
        try await store.save(score)
        return (score, outcome, true)
    }
}
