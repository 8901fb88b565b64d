import FixloopScorer
import Foundation
import GRDB

extension SQLiteScoreStore {
    /// Every score of sessions that started at or after `since` and before `until`, by session id, with when each
    /// was graded.
    public func gradedScores(since: Date? = nil, until: Date? = nil) async throws -> [GradedScore] {
        try await database.wrapErrors("read") {
            try await database.pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM session_score WHERE start >= ? AND start < ? ORDER BY session_id",
                    arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude,
                                until?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude]
                ).map { GradedScore(score: try Self.score(from: $0), gradedAt: Date(timeIntervalSince1970: $0["graded_at"])) }
            }
        }
    }
}
