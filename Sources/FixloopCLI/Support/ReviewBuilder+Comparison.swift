import FixloopCore
import FixloopReport
import FixloopScorer
import FixloopStore
import Foundation

/// What turns the week's snapshot into a decision: each pattern against the previous period, the weekly trend, and
/// where each pull request stands now.
extension ReviewBuilder {
    /// Marks each pattern `new` or `recurring` by whether a plan of `previousStart..<start` found it (by fingerprint),
    /// and lists the previous period's patterns this one lacks as `resolved`.
    func compare(_ review: inout WeeklyReview, start: Date, end: Date, previousStart: Date) async throws {
        let now = try await patternsByFingerprint(start: start, end: end)
        let before = try await patternsByFingerprint(start: previousStart, end: start)
        for index in review.patterns.indices {
            let pattern = review.patterns[index]
            let fingerprint = now.first { $0.value == pattern }?.key
            review.patterns[index].status = fingerprint.map { before[$0] == nil ? "new" : "recurring" }
        }
        review.resolved = before.filter { now[$0.key] == nil }.values.map { pattern in
            var pattern = pattern
            pattern.status = "resolved"
            return pattern
        }.sorted { (-$0.sessions, $0.name) < (-$1.sessions, $1.name) }
    }

    /// Implied NPS per ISO week for the last ``chartWeeks`` weeks up to the week of the period's newest graded
    /// session (the week holding the period's end when it has none), each counted as the period's NPS is.
    func weeks(endingWith review: WeeklyReview, end: Date) async throws -> [WeeklyReview.NPSPoint] {
        guard chartWeeks > 0 else { return [] }
        let newest = review.days.last.flatMap { Self.dayStart($0.label) } ?? end.addingTimeInterval(-1)
        let last = ISOWeek(containing: min(newest, end.addingTimeInterval(-1)))
        let first = last.start.addingTimeInterval(-Double(chartWeeks - 1) * 7 * 86_400)
        let scores = try await backend.scorer.archive.scores(since: first).filter { $0.start < last.end }
        let buckets = ImpliedNPS.aggregate(scores.map { ImpliedNPS.Sample(date: $0.start, score: $0.score) }, by: .week)
        let byLabel = Dictionary(buckets.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
        return (0..<chartWeeks).map { index in
            let label = ISOWeek(containing: first.addingTimeInterval(Double(index) * 7 * 86_400)).description
            let bucket = byLabel[label] ?? ImpliedNPS.Bucket(label: label)
            return WeeklyReview.NPSPoint(label: label, nps: bucket.nps, sessions: bucket.count, promoters: bucket.promoters,
                                         passives: bucket.passives, detractors: bucket.detractors)
        }
    }

    /// Each fix's pull request's state (draft, open, merged, closed) from ``pullRequests``.
    func addPullRequestStates(_ review: inout WeeklyReview, now: Date) async throws {
        guard let pullRequests else { return }
        for index in review.fixes.indices {
            guard let url = review.fixes[index].pullRequest, let known = await pullRequests.state(of: url, now: now) else { continue }
            review.fixes[index].pullRequestState = known.state
            review.fixes[index].pullRequestStateReadAt = known.readAt
            review.fixes[index].pullRequestStateIsLastKnown = known.lastKnown
        }
    }

    /// Midnight UTC of a `2025-06-02` label.
    static func dayStart(_ label: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: label)
    }
}
