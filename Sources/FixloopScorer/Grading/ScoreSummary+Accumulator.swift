import Foundation

extension ScoreSummary {
    /// Builds a ``ScoreSummary`` one score at a time in memory that does not grow with the sessions: a bucket per
    /// day and week, and the `worst` lowest scores so far. The result does not depend on the order scores arrive in.
    public struct Accumulator: Sendable {
        private let worstCount: Int
        private var overall = ImpliedNPS.Bucket(label: "all")
        private var days: [String: ImpliedNPS.Bucket] = [:]
        private var weeks: [String: ImpliedNPS.Bucket] = [:]
        /// The lowest scores so far, ordered by score then session id, at most `worstCount`.
        private var worst: [Worst] = []
        private var unsure = 0

        /// An empty accumulator that keeps the `worst` lowest scores.
        public init(worst: Int = 5) {
            worstCount = max(0, worst)
        }

        /// Counts one score.
        public mutating func add(_ score: SessionScore) {
            overall.add(score.score)
            let day = ImpliedNPS.label(of: score.start, period: .day)
            let week = ImpliedNPS.label(of: score.start, period: .week)
            days[day, default: ImpliedNPS.Bucket(label: day)].add(score.score)
            weeks[week, default: ImpliedNPS.Bucket(label: week)].add(score.score)
            if score.modelGrade == nil && score.rubric.isUnsure { unsure += 1 }
            insertWorst(score)
        }

        private mutating func insertWorst(_ score: SessionScore) {
            guard worstCount > 0 else { return }
            let key = (score.score, score.sessionID)
            if worst.count == worstCount, let last = worst.last, key >= (last.score, last.sessionID) { return }
            let index = worst.firstIndex { key < ($0.score, $0.sessionID) } ?? worst.endIndex
            worst.insert(Worst(sessionID: score.sessionID, score: score.score, blurb: score.blurb), at: index)
            if worst.count > worstCount { worst.removeLast() }
        }

        /// The summary of every score added.
        public var summary: ScoreSummary {
            ScoreSummary(
                overall: overall, days: days.values.sorted { $0.label < $1.label },
                weeks: weeks.values.sorted { $0.label < $1.label }, worst: worst, unsure: unsure)
        }
    }
}
