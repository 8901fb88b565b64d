import FixloopScorer
import FixloopSessionTypes
import Foundation
import PostgresNIO

/// Sessions, timelines, facts and scores in PostgreSQL: the scorer's ``SessionArchive``, shared by every machine
/// that scores into the database (a session graded on one is reused by the others).
///
/// Saves are upserts on the session id; times are `timestamptz` (written through `to_timestamp`, rounded to the
/// microsecond); ids are ordered bytewise (`COLLATE "C"`), as SQLite orders them.
public struct PostgresScoreStore: SessionArchive {
    public let store: PostgresStore

    /// Uses the scorer tables of `store`'s database (migration `scorer.v1`).
    public init(store: PostgresStore) { self.store = store }

    public func score(sessionID: String, timelineHash: String, promptHash: String?) async throws -> SessionScore? {
        try await first("""
            SELECT \(unescaped: Self.scoreColumns) FROM session_score
            WHERE session_id = \(sessionID) AND timeline_hash = \(timelineHash) AND prompt_hash IS NOT DISTINCT FROM \(promptHash)
            """).map(\.score)
    }

    public func save(_ score: SessionScore) async throws {
        let encoder = Self.encoder
        let rubric = String(decoding: try encoder.encode(score.rubric), as: UTF8.self)
        let grade = try score.modelGrade.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let blurb = String(decoding: try encoder.encode(score.blurb), as: UTF8.self)
        try await store.withConnection { connection, logger in
            try await connection.query("""
                INSERT INTO session_score (session_id, start, score, rubric_score, rubric, model_grade, model, prompt_hash,
                    timeline_hash, cost_usd, blurb, graded_at)
                VALUES (\(score.sessionID), to_timestamp(\(score.start.timeIntervalSince1970)), \(Int64(score.score)), \(Int64(score.rubric.score)), \(rubric), \(grade),
                    \(score.model), \(score.promptHash), \(score.timelineHash), \(score.costUSD), \(blurb), now())
                ON CONFLICT (session_id) DO UPDATE SET start = excluded.start, score = excluded.score,
                    rubric_score = excluded.rubric_score, rubric = excluded.rubric, model_grade = excluded.model_grade,
                    model = excluded.model, prompt_hash = excluded.prompt_hash, timeline_hash = excluded.timeline_hash,
                    cost_usd = excluded.cost_usd, blurb = excluded.blurb, graded_at = excluded.graded_at
                """, logger: logger)
        }
    }

    public func saveSession(_ timeline: SessionTimeline, hasSourceID: Bool, facts: SessionFacts? = nil) async throws {
        let text = timeline.render()
        let factsText = try facts.map { String(decoding: try Self.encoder.encode($0), as: UTF8.self) }
        let (id, start, end) = (timeline.sessionID, timeline.start, timeline.start.addingTimeInterval(timeline.duration))
        let (count, source, hash) = (Int64(timeline.eventCount), timeline.source.rawValue, timeline.contentHash)
        try await store.withTransaction { connection, logger in
            try await connection.query("""
                INSERT INTO analytics_session (id, start, "end", event_count, source, has_source_id)
                VALUES (\(id), to_timestamp(\(start.timeIntervalSince1970)), to_timestamp(\(end.timeIntervalSince1970)), \(count), \(source), \(hasSourceID))
                ON CONFLICT (id) DO UPDATE SET start = excluded.start, "end" = excluded."end",
                    event_count = excluded.event_count, source = excluded.source, has_source_id = excluded.has_source_id
                """, logger: logger)
            try await connection.query("""
                INSERT INTO session_timeline (session_id, content_hash, text) VALUES (\(id), \(hash), \(text))
                ON CONFLICT (session_id) DO UPDATE SET content_hash = excluded.content_hash, text = excluded.text
                """, logger: logger)
            if let facts, let factsText {
                try await connection.query("""
                    INSERT INTO session_facts (session_id, user_hash, facts) VALUES (\(id), \(facts.userHash), \(factsText))
                    ON CONFLICT (session_id) DO UPDATE SET user_hash = excluded.user_hash, facts = excluded.facts
                    """, logger: logger)
            }
        }
    }

    public func scores(since: Date? = nil, until: Date? = nil, limit: Int? = nil) async throws -> [SessionScore] {
        try await all("""
            SELECT \(unescaped: Self.scoreColumns) FROM session_score
            WHERE (\(seconds(since))::double precision IS NULL OR start >= to_timestamp(\(seconds(since))))
              AND (\(seconds(until))::double precision IS NULL OR start < to_timestamp(\(seconds(until))))
            ORDER BY score, session_id COLLATE "C" LIMIT \(limit.map(Int64.init))
            """).map(\.score)
    }

    public func scoreCount(since: Date? = nil, until: Date? = nil) async throws -> Int {
        try await store.withConnection { connection, logger in
            var count = 0
            for try await value in try await connection.query("""
                SELECT count(*)::bigint FROM session_score
                WHERE (\(seconds(since))::double precision IS NULL OR start >= to_timestamp(\(seconds(since))))
                  AND (\(seconds(until))::double precision IS NULL OR start < to_timestamp(\(seconds(until))))
                """, logger: logger).decode(Int.self) { count = value }
            return count
        }
    }

    public func sessionIDs(prefix: String, limit: Int = 11) async throws -> [String] {
        try await store.withConnection { connection, logger in
            var ids: [String] = []
            for try await id in try await connection.query("""
                SELECT id FROM analytics_session WHERE left(id, length(\(prefix))) = \(prefix)
                ORDER BY id COLLATE "C" LIMIT \(Int64(limit))
                """, logger: logger).decode(String.self) { ids.append(id) }
            return ids
        }
    }

    public func newestSessionStart() async throws -> Date? {
        try await store.withConnection { connection, logger in
            var newest: Date?
            for try await value in try await connection.query(
                "SELECT max(start) FROM session_score", logger: logger
            ).decode(Date?.self) { newest = value }
            return newest
        }
    }

    public func session(id: String) async throws -> StoredSession? {
        let row = try await store.withConnection { connection, logger in
            var found: (Date, Date, Int, String?)?
            for try await value in try await connection.query("""
                SELECT s.start, s."end", s.event_count, t.text
                FROM analytics_session s LEFT JOIN session_timeline t ON t.session_id = s.id WHERE s.id = \(id)
                """, logger: logger).decode((Date, Date, Int, String?).self) { found = value }
            return found
        }
        guard let (start, end, count, timeline) = row else { return nil }
        let score = try await first("SELECT \(unescaped: Self.scoreColumns) FROM session_score WHERE session_id = \(id)")
        return StoredSession(id: id, start: start, end: end, eventCount: count, timeline: timeline, score: score?.score)
    }

    public func gradedScores(since: Date? = nil, until: Date? = nil) async throws -> [GradedScore] {
        try await all("""
            SELECT \(unescaped: Self.scoreColumns) FROM session_score
            WHERE (\(seconds(since))::double precision IS NULL OR start >= to_timestamp(\(seconds(since))))
              AND (\(seconds(until))::double precision IS NULL OR start < to_timestamp(\(seconds(until))))
            ORDER BY session_id COLLATE "C"
            """)
    }

    // MARK: Rows

    /// A period's bound as seconds, for `to_timestamp` (rounded to the microsecond as the starts were written).
    private func seconds(_ date: Date?) -> Double? { date?.timeIntervalSince1970 }

    static let scoreColumns = "session_id, start, rubric, model_grade, model, prompt_hash, timeline_hash, cost_usd, graded_at"

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    private func first(_ query: PostgresQuery) async throws -> GradedScore? {
        try await all(query).first
    }

    private func all(_ query: PostgresQuery) async throws -> [GradedScore] {
        let rows = try await store.withConnection { connection, logger in
            var rows: [(String, Date, String, String?, String?, String?, String, Double, Date)] = []
            for try await row in try await connection.query(query, logger: logger)
                .decode((String, Date, String, String?, String?, String?, String, Double, Date).self) { rows.append(row) }
            return rows
        }
        let decoder = JSONDecoder()
        return try rows.map { id, start, rubric, grade, model, promptHash, timelineHash, cost, gradedAt in
            let score = SessionScore(
                sessionID: id, start: start, rubric: try decoder.decode(RubricScore.self, from: Data(rubric.utf8)),
                modelGrade: try grade.map { try decoder.decode(ModelGrade.self, from: Data($0.utf8)) }, model: model,
                promptHash: promptHash, timelineHash: timelineHash, costUSD: cost)
            return GradedScore(score: score, gradedAt: gradedAt)
        }
    }
}
