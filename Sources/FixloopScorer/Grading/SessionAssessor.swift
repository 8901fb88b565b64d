import FixloopCore
import FixloopIngest
import FixloopPrompts

/// One session assessed without a model: its timeline, the rubric's grade, the score to store, and — when the
/// grading mode asks the model — the rendered prompt to send.
public struct SessionAssessment: Sendable {
    /// The session's timeline.
    public var timeline: SessionTimeline
    /// The score as the rubric alone gives it; a model grade is added to it later.
    public var score: SessionScore
    /// The session's part of the grading prompt (timeline and the rubric's reading), when the mode sends this
    /// session to the model; it goes last in the request.
    public var prompt: String?
    /// The stable part of the grading prompt, the same for every session of a run; it goes first in the request,
    /// where providers' prompt caches can serve it. Set whenever ``prompt`` is.
    public var instructions: String?
}

/// Turns sessions into assessments: timeline, rubric, and the prompt for the sessions the model should see.
///
/// Pure: it calls no model and stores nothing. The caller (the CLI) sends ``SessionAssessment/instructions`` and
/// ``SessionAssessment/prompt`` through a
/// ``SessionGradingModel``, validates the reply with ``ModelGradeValidator`` and saves to a ``SessionScoreStore``.
public struct SessionAssessor: Sendable {
    /// The product context.
    public var context: ProductContext
    /// Which sessions get a prompt.
    public var mode: GradingMode
    /// Where `scorer/grade.mustache` is rendered from; required unless `mode` is ``GradingMode/rubricOnly``.
    public var prompts: PromptLibrary?

    /// Creates an assessor.
    /// - Throws: ``ScorerError`` `scorer.invalid_template` when the mode needs the grading prompt and no library is
    ///   given.
    public init(context: ProductContext, mode: GradingMode, prompts: PromptLibrary?) throws {
        if mode != .rubricOnly, prompts == nil {
            throw ScorerError(
                .invalidTemplate,
                "Grading mode \(mode.rawValue) needs the prompt template prompts/scorer/grade.mustache; "
                    + "restore it or grade with the rubric alone.")
        }
        self.context = context
        self.mode = mode
        self.prompts = prompts
    }

    /// Assesses one session.
    /// - Throws: `PromptError` (FixloopPrompts) when the grading template is missing or uses a key its context lacks.
    public func assess(_ session: AnalyticsSession) throws -> SessionAssessment {
        let timeline = TimelineBuilder(milestones: context.milestones).timeline(for: session)
        let rubric = RubricScorer().score(timeline, context: context)
        var prompt: String?
        var instructions: String?
        var promptHash: String?
        if mode.asksModel(for: rubric), let prompts {
            let context = GradePromptContext(product: context, timeline: timeline, rubric: rubric)
            let stable = try prompts.render(context)
            let session = try prompts.render(context.session)
            instructions = stable.text
            prompt = session.text
            promptHash = StableHash.hex(StableHash.fnv1a(stable.templateHash + "+" + session.templateHash))
        }
        let score = SessionScore(
            sessionID: session.id, start: session.start, rubric: rubric, promptHash: promptHash,
            timelineHash: timeline.contentHash)
        return SessionAssessment(timeline: timeline, score: score, prompt: prompt, instructions: instructions)
    }
}
