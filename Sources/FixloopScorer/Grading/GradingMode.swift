import FixloopCore

extension GradingMode {
    /// Whether a session with this rubric score goes to the model.
    public func asksModel(for rubric: RubricScore) -> Bool {
        switch self {
        case .rubricOnly: return false
        case .modelWhenUnsure: return rubric.isUnsure
        case .model: return true
        }
    }
}
