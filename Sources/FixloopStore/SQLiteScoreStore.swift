import FixloopScorer
import FixloopSessionTypes
import Foundation
import GRDB

/// Sessions, timelines and scores in SQLite: the scorer's ``SessionArchive``.
public struct SQLiteScoreStore: SessionArchive {
    let database: FixloopDatabase

    /// Uses the scorer tables of `database`.
    public init(database: FixloopDatabase) { self.database = database }

    /// The stored score of `sessionID` if it was graded from the same timeline with the same prompt.
    public func score(sessionID: String, timelineHash: String, promptHash: String?) async throws -> SessionScore? {
        try await wrap("read") {
            try await database.pool.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT * FROM session_score WHERE session_id = ? AND timeline_hash = ? AND prompt_hash IS ?",
                    arguments: [sessionID, timelineHash, promptHash]
                ).map(Self.score(from:))
            }
        }
    }

    /// Stores or replaces the score of `score.sessionID`.
    public func save(_ score: SessionScore) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let rubric = String(decoding: try encoder.encode(score.rubric), as: UTF8.self)
        let grade = try score.modelGrade.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let blurb = String(decoding: try encoder.encode(score.blurb), as: UTF8.self)
        try await wrap("save") {
            try await database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO session_score (session_id, start, score, rubric_score, rubric, model_grade,
                            model, prompt_hash, timeline_hash, cost_usd, blurb, graded_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        score.sessionID, score.start.timeIntervalSince1970, score.score, score.rubric.score, rubric, grade,
                        score.model, score.promptHash, score.timelineHash, score.costUSD, blurb, Date().timeIntervalSince1970,
                    ])
            }
        }
    }

    /// Stores or replaces a session's summary and its rendered timeline.
    /// - Parameters:
    ///   - timeline: the session's timeline (it carries the id, start, length and event count).
    ///   - hasSourceID: whether the export gave the session id (false: cut by the idle gap).
    ///   - facts: what the planner reads (hashed user, routes, exceptions with frames, clicks), if known.
    public func saveSession(_ timeline: SessionTimeline, hasSourceID: Bool, facts: SessionFacts? = nil) async throws {
        let text = timeline.render()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let factsText = try facts.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await wrap("save") {
            try await database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO analytics_session (id, start, end, event_count, source, has_source_id)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        timeline.sessionID, timeline.start.timeIntervalSince1970,
                        timeline.start.timeIntervalSince1970 + timeline.duration, timeline.eventCount,
                        timeline.source.rawValue, hasSourceID,
                    ])
                try db.execute(
                    sql: "INSERT OR REPLACE INTO session_timeline (session_id, content_hash, text) VALUES (?, ?, ?)",
                    arguments: [timeline.sessionID, timeline.contentHash, text])
                if let facts, let factsText {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO session_facts (session_id, user_hash, facts) VALUES (?, ?, ?)",
                        arguments: [timeline.sessionID, facts.userHash, factsText])
                }
            }
        }
    }

    /// Scores of sessions that started at or after `since` and before `until`, lowest first (ties by id); at most `limit`.
    public func scores(since: Date? = nil, until: Date? = nil, limit: Int? = nil) async throws -> [SessionScore] {
        try await wrap("read") {
            try await database.pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM session_score WHERE start >= ? AND start < ? ORDER BY score, session_id LIMIT ?",
                    arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude,
                                until?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude, limit ?? -1]
                ).map(Self.score(from:))
            }
        }
    }

    /// How many scores ``scores(since:until:limit:)`` would return without a limit.
    public func scoreCount(since: Date? = nil, until: Date? = nil) async throws -> Int {
        try await wrap("read") {
            try await database.pool.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM session_score WHERE start >= ? AND start < ?",
                    arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude,
                                until?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude]) ?? 0
            }
        }
    }

    /// The ids of stored sessions that begin with `prefix`, at most `limit` of them, sorted.
    public func sessionIDs(prefix: String, limit: Int = 11) async throws -> [String] {
        try await wrap("read") {
            try await database.pool.read { db in
                try String.fetchAll(
                    db, sql: "SELECT id FROM analytics_session WHERE substr(id, 1, length(?)) = ? ORDER BY id LIMIT ?",
                    arguments: [prefix, prefix, limit])
            }
        }
    }

    /// When the newest graded session began, or nil when nothing is graded.
    public func newestSessionStart() async throws -> Date? {
        try await wrap("read") {
            try await database.pool.read { db in
                try Double.fetchOne(db, sql: "SELECT MAX(start) FROM session_score").map { Date(timeIntervalSince1970: $0) }
            }
        }
    }

    /// The session `id` with its timeline and score, or nil when the store has no such session.
    public func session(id: String) async throws -> StoredSession? {
        try await wrap("read") {
            try await database.pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM analytics_session WHERE id = ?", arguments: [id])
                else { return nil }
                let timeline = try String.fetchOne(
                    db, sql: "SELECT text FROM session_timeline WHERE session_id = ?", arguments: [id])
                let score = try Row.fetchOne(db, sql: "SELECT * FROM session_score WHERE session_id = ?", arguments: [id])
                return StoredSession(
                    id: id, start: Date(timeIntervalSince1970: row["start"]), end: Date(timeIntervalSince1970: row["end"]),
                    eventCount: row["event_count"], timeline: timeline, score: try score.map(Self.score(from:)))
            }
        }
    }

    static func score(from row: Row) throws -> SessionScore {
        let decoder = JSONDecoder()
        let rubric = try decoder.decode(RubricScore.self, from: Data((row["rubric"] as String).utf8))
        let grade = try (row["model_grade"] as String?).map { try decoder.decode(ModelGrade.self, from: Data($0.utf8)) }
        return SessionScore(
            sessionID: row["session_id"], start: Date(timeIntervalSince1970: row["start"]), rubric: rubric,
            modelGrade: grade, model: row["model"], promptHash: row["prompt_hash"], timelineHash: row["timeline_hash"],
            costUSD: row["cost_usd"])
    }

    private func wrap<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        try await database.wrapErrors(operation, body)
    }
}
