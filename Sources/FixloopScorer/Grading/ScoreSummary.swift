/// What `fixloop score` reports: the implied NPS overall, per day and per week, and the worst sessions.
public struct ScoreSummary: Sendable, Hashable, Codable {
    /// One of the worst sessions, with its blurb.
    public struct Worst: Sendable, Hashable, Codable {
        /// The session.
        public var sessionID: String
        /// Its score.
        public var score: Int
        /// ``SessionScore/blurb``: the model's `went_wrong`, or the rubric's penalties first.
        public var blurb: [String]
    }

    /// All sessions together.
    public var overall: ImpliedNPS.Bucket
    /// Per UTC day.
    public var days: [ImpliedNPS.Bucket]
    /// Per ISO week.
    public var weeks: [ImpliedNPS.Bucket]
    /// The lowest scores first (ties by session id), at most the number asked for.
    public var worst: [Worst]
    /// Sessions the rubric was unsure of and no model graded.
    public var unsure: Int

    /// Summarizes `scores`, listing the `worst` lowest.
    public init(scores: [SessionScore], worst: Int = 5) {
        let samples = scores.map(\.npsSample)
        overall = ImpliedNPS.Bucket(label: "all")
        for score in scores { overall.add(score.score) }
        days = ImpliedNPS.aggregate(samples, by: .day)
        weeks = ImpliedNPS.aggregate(samples, by: .week)
        self.worst = scores.sorted { ($0.score, $0.sessionID) < ($1.score, $1.sessionID) }.prefix(max(0, worst)).map {
            Worst(sessionID: $0.sessionID, score: $0.score, blurb: $0.blurb)
        }
        unsure = scores.filter { $0.modelGrade == nil && $0.rubric.isUnsure }.count
    }
}
