/// Which sessions go to the model (`--model none` is ``rubricOnly``).
public enum GradingMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// The rubric alone; no model is called.
    case rubricOnly = "rubric"
    /// The model grades only the sessions the rubric is unsure of (cost control).
    case modelWhenUnsure = "unsure"
    /// The model grades every session.
    case model = "all"

    /// Whether a session with this rubric score goes to the model.
    public func asksModel(for rubric: RubricScore) -> Bool {
        switch self {
        case .rubricOnly: return false
        case .modelWhenUnsure: return rubric.isUnsure
        case .model: return true
        }
    }
}
