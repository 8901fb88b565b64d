/// The rubric's grade of one session: a 0–10 score, how sure it is, and every adjustment that made it.
public struct RubricScore: Sendable, Hashable, Codable {
    /// The implied NPS answer, 0–10.
    public var score: Int
    /// How far the timeline supports the score, 0–1.
    public var confidence: Double
    /// Whether the rubric is unsure (confidence below ``RubricScorer/unsureBelow``): send it to the model.
    public var isUnsure: Bool
    /// Each adjustment as a short line, such as `-2.5 left 12s after an error`.
    public var reasons: [String]

    /// Creates a score.
    public init(score: Int, confidence: Double, isUnsure: Bool, reasons: [String]) {
        self.score = score
        self.confidence = confidence
        self.isUnsure = isUnsure
        self.reasons = reasons
    }
}
