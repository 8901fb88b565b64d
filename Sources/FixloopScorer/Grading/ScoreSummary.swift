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
    public init(scores: some Sequence<SessionScore>, worst: Int = 5) {
        var accumulator = Accumulator(worst: worst)
        for score in scores { accumulator.add(score) }
        self = accumulator.summary
    }

    init(overall: ImpliedNPS.Bucket, days: [ImpliedNPS.Bucket], weeks: [ImpliedNPS.Bucket], worst: [Worst], unsure: Int) {
        self.overall = overall
        self.days = days
        self.weeks = weeks
        self.worst = worst
        self.unsure = unsure
    }
}
