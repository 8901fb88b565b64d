/// A model's reply to a grading prompt.
public struct GradingReply: Sendable, Hashable {
    /// The reply text, checked with ``ModelGradeValidator``.
    public var text: String
    /// What the call cost, in US dollars.
    public var costUSD: Double

    /// Creates a reply.
    public init(text: String, costUSD: Double) {
        self.text = text
        self.costUSD = costUSD
    }
}
