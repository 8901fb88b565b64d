import FixloopSessionTypes
import Foundation

/// Where the scorer keeps sessions, their timelines, facts and scores, and what `score`, `sessions` and the
/// warehouse write-back read back: the scorer's ``SessionScoreStore`` with its reads. SQLite (`SQLiteScoreStore`)
/// and PostgreSQL (`PostgresScoreStore`) implement it alike.
public protocol SessionArchive: SessionScoreStore {
    /// Stores or replaces a session's summary and its rendered timeline, and its facts when given.
    /// - Parameters:
    ///   - timeline: the session's timeline (it carries the id, start, length and event count).
    ///   - hasSourceID: whether the export gave the session id (false: cut by the idle gap).
    ///   - facts: what the planner reads (hashed user, routes, exceptions with frames, clicks), if known.
    func saveSession(_ timeline: SessionTimeline, hasSourceID: Bool, facts: SessionFacts?) async throws
    /// Scores of sessions that started at or after `since` and before `until`, lowest first (ties by id); at most
    /// `limit`.
    func scores(since: Date?, until: Date?, limit: Int?) async throws -> [SessionScore]
    /// How many scores ``scores(since:until:limit:)`` would return without a limit.
    func scoreCount(since: Date?, until: Date?) async throws -> Int
    /// The ids of stored sessions that begin with `prefix`, at most `limit` of them, sorted.
    func sessionIDs(prefix: String, limit: Int) async throws -> [String]
    /// When the newest graded session began, or nil when nothing is graded.
    func newestSessionStart() async throws -> Date?
    /// The session `id` with its timeline and score, or nil when the store has no such session.
    func session(id: String) async throws -> StoredSession?
    /// Every score of sessions that started at or after `since` and before `until`, by session id, with when each
    /// was graded (the warehouse write-back).
    func gradedScores(since: Date?, until: Date?) async throws -> [GradedScore]
}

extension SessionArchive {
    /// Every score, lowest first.
    public func scores(since: Date? = nil, until: Date? = nil) async throws -> [SessionScore] {
        try await scores(since: since, until: until, limit: nil)
    }

    /// The ids of stored sessions that begin with `prefix`, at most 11, sorted.
    public func sessionIDs(prefix: String) async throws -> [String] {
        try await sessionIDs(prefix: prefix, limit: 11)
    }

    /// Stores or replaces a session's summary and timeline, without facts.
    public func saveSession(_ timeline: SessionTimeline, hasSourceID: Bool) async throws {
        try await saveSession(timeline, hasSourceID: hasSourceID, facts: nil)
    }
}
