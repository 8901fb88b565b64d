import FixloopPrompts

/// Everything the two grading templates read: `prompts/scorer/grade.mustache` (the stable part, first) and, through
/// ``session``, `prompts/scorer/grade-session.mustache` (the session, last). `PromptLibrary` refuses to render either
/// when its template uses a key the type does not have.
public struct GradePromptContext: PromptContext, Hashable {
    /// The template it fills.
    public static let templateName = "scorer/grade"

    /// A milestone as the prompt lists it.
    public struct MilestoneLine: Sendable, Hashable, Encodable {
        /// The event name or route.
        public var name: String
        /// What reaching it means; empty when the context gives none.
        public var description: String
        /// Whether it is a goal.
        public var isGoal: Bool
    }

    /// The product's name from the context's first heading ("the product" when it has none).
    public var productName: String
    /// The product context's Markdown.
    public var productContext: String
    /// The milestones.
    public var milestones: [MilestoneLine]
    /// The rendered timeline (no user id in it).
    public var timeline: String
    /// The rubric's score.
    public var rubricScore: Int
    /// The rubric's reasons.
    public var rubricReasons: [String]

    /// The context for one session.
    public init(product: ProductContext, timeline: SessionTimeline, rubric: RubricScore) {
        productName = product.name.isEmpty ? "the product" : product.name
        productContext = product.markdown
        milestones = product.milestones.map { .init(name: $0.name, description: $0.description, isGoal: $0.isGoal) }
        self.timeline = timeline.render().trimmingCharacters(in: .newlines)
        rubricScore = rubric.score
        rubricReasons = rubric.reasons
    }

    /// The context of the session's own part.
    public var session: GradeSessionPromptContext {
        GradeSessionPromptContext(timeline: timeline, rubricScore: rubricScore, rubricReasons: rubricReasons)
    }
}

/// What `prompts/scorer/grade-session.mustache` reads: the part of a grading request that changes with each session.
public struct GradeSessionPromptContext: PromptContext, Hashable {
    /// The template it fills.
    public static let templateName = "scorer/grade-session"

    /// The rendered timeline (no user id in it).
    public var timeline: String
    /// The rubric's score.
    public var rubricScore: Int
    /// The rubric's reasons.
    public var rubricReasons: [String]
}
