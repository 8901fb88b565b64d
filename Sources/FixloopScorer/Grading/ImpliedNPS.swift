import FixloopIngest
import Foundation

/// Implied NPS: the share of promoters (9–10) minus the share of detractors (0–6), in points from −100 to 100.
public enum ImpliedNPS {
    /// One graded session: when it started and its 0–10 score.
    public struct Sample: Sendable, Hashable, Codable {
        /// The session's start.
        public var date: Date
        /// The score, 0–10.
        public var score: Int

        /// Creates a sample.
        public init(date: Date, score: Int) {
            self.date = date
            self.score = score
        }
    }

    /// The period a bucket covers.
    public enum Period: String, Sendable, Hashable, Codable {
        /// A UTC calendar day, labelled `2025-06-03`.
        case day
        /// An ISO 8601 week (Monday to Sunday, UTC), labelled `2025-W23`.
        case week
    }

    /// The scores of one period.
    public struct Bucket: Sendable, Hashable, Codable {
        /// `2025-06-03` or `2025-W23`.
        public var label: String
        /// Sessions scored 9 or 10.
        public var promoters: Int
        /// Sessions scored 7 or 8.
        public var passives: Int
        /// Sessions scored 0 to 6.
        public var detractors: Int
        /// All sessions in the period.
        public var count: Int { promoters + passives + detractors }
        /// % promoters − % detractors.
        public var nps: Double { ImpliedNPS.nps(promoters: promoters, passives: passives, detractors: detractors) }

        /// An empty bucket.
        public init(label: String) {
            self.label = label
            promoters = 0
            passives = 0
            detractors = 0
        }

        /// Counts one score (clamped to 0–10) in its class.
        public mutating func add(_ score: Int) {
            switch min(10, max(0, score)) {
            case 9...10: promoters += 1
            case 7...8: passives += 1
            default: detractors += 1
            }
        }
    }

    /// % promoters − % detractors; 0 when there is nothing to count.
    public static func nps(promoters: Int, passives: Int, detractors: Int) -> Double {
        let total = promoters + passives + detractors
        guard total > 0 else { return 0 }
        return 100 * Double(promoters - detractors) / Double(total)
    }

    /// The buckets of `samples` per `period`, in time order. Scores outside 0–10 are clamped.
    public static func aggregate(_ samples: some Sequence<Sample>, by period: Period) -> [Bucket] {
        var buckets: [String: Bucket] = [:]
        for sample in samples {
            let label = self.label(of: sample.date, period: period)
            buckets[label, default: Bucket(label: label)].add(sample.score)
        }
        return buckets.values.sorted { $0.label < $1.label }
    }

    /// The label of the day or ISO week `date` falls in (UTC).
    public static func label(of date: Date, period: Period) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        switch period {
        case .day:
            let (year, month, day) = AnalyticsTimestamp.civil(fromDays: days)
            return String(format: "%04d-%02d-%02d", year, month, day)
        case .week:
            // 1970-01-01 was a Thursday; the ISO year is the year of the week's Thursday.
            let weekday = ((days + 3) % 7 + 7) % 7  // Monday = 0
            let thursday = days - weekday + 3
            let (year, _, _) = AnalyticsTimestamp.civil(fromDays: thursday)
            let januaryFirst = AnalyticsTimestamp.daysFromCivil(year: year, month: 1, day: 1)
            let week = (thursday - januaryFirst) / 7 + 1
            return String(format: "%04d-W%02d", year, week)
        }
    }
}
