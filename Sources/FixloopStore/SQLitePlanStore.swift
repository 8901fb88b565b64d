import FixloopCore
import FixloopPlanner
import FixloopSessionTypes
import Foundation
import GRDB

/// The planner's store in the machine's SQLite file: scored sessions in, plans, patterns and tickets out (``PlanStore``).
public struct SQLitePlanStore: PlanStore {
    /// A stored ticket, as `fixloop tickets list|show` and `--ticket local:N` read it.
    public typealias StoredTicket = FixloopCore.StoredTicket

    private let database: FixloopDatabase

    public init(database: FixloopDatabase) { self.database = database }

    // MARK: Sessions

    /// Every scored session that started in `since ..< until`, with its facts when the scorer stored them.
    public func scoredSessions(since: Date?, until: Date) async throws -> [ScoredSession] {
        try await wrap("read") {
            try await database.pool.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT s.session_id, s.start, s.score, s.blurb, s.model_grade, f.facts FROM session_score s
                    LEFT JOIN session_facts f ON f.session_id = s.session_id
                    WHERE s.start >= ? AND s.start < ? ORDER BY s.start, s.session_id
                    """, arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude, until.timeIntervalSince1970])
                let decoder = JSONDecoder()
                return try rows.map { row in
                    ScoredSession(
                        id: row["session_id"], start: Date(timeIntervalSince1970: row["start"]), score: row["score"],
                        blurb: try decoder.decode([String].self, from: Data((row["blurb"] as String).utf8)),
                        modelGrade: try (row["model_grade"] as String?).map { try decoder.decode(ModelGrade.self, from: Data($0.utf8)) },
                        facts: try (row["facts"] as String?).map { try decoder.decode(SessionFacts.self, from: Data($0.utf8)) })
                }
            }
        }
    }

    // MARK: Plans

    /// Saves a plan run and the patterns it saw. - Returns: the run's id.
    @discardableResult
    public func savePlan(_ plan: PlanResult, sink: String) async throws -> Int64 {
        let text = String(decoding: try Self.encoder.encode(plan), as: UTF8.self)
        return try await wrap("save") {
            try await database.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO plan_run (created_at, since, until, sink, result) VALUES (?, ?, ?, ?, ?)",
                    arguments: [Date().timeIntervalSince1970, plan.since?.timeIntervalSince1970, plan.until.timeIntervalSince1970, sink, text])
                let id = db.lastInsertedRowID
                for pattern in plan.patterns {
                    try db.execute(sql: """
                        INSERT INTO planner_pattern (fingerprint, name, kind, classification, first_seen, last_seen, last_sessions, last_plan)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(fingerprint) DO UPDATE SET name = excluded.name, classification = excluded.classification,
                            first_seen = MIN(first_seen, excluded.first_seen), last_seen = MAX(last_seen, excluded.last_seen),
                            last_sessions = excluded.last_sessions, last_plan = excluded.last_plan
                        """, arguments: [
                            pattern.fingerprint, pattern.name, pattern.signature.kind.rawValue, pattern.classification.rawValue,
                            pattern.stats.firstSeen.timeIntervalSince1970, pattern.stats.lastSeen.timeIntervalSince1970,
                            pattern.stats.sessions, id,
                        ])
                }
                return id
            }
        }
    }

    /// The most recent plan run, or nil when the planner never ran.
    public func latestPlan() async throws -> PlanResult? {
        try await wrap("read") {
            let text = try await database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT result FROM plan_run ORDER BY id DESC LIMIT 1")
            }
            return try text.map { try Self.decoder.decode(PlanResult.self, from: Data($0.utf8)) }
        }
    }

    /// Every plan run whose sessions overlap `start..<end` (a plan without `since` reaches back forever), oldest first.
    public func plans(overlapping start: Date, _ end: Date) async throws -> [PlanResult] {
        try await wrap("read") {
            let texts = try await database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT result FROM plan_run WHERE until > ? AND (since IS NULL OR since < ?) ORDER BY id",
                                    arguments: [start.timeIntervalSince1970, end.timeIntervalSince1970])
            }
            return try texts.map { try Self.decoder.decode(PlanResult.self, from: Data($0.utf8)) }
        }
    }

    /// Every pattern a plan run saw, by fingerprint.
    public func patterns() async throws -> [StoredPattern] {
        try await wrap("read") {
            try await database.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM planner_pattern ORDER BY fingerprint").map { row in
                    StoredPattern(
                        fingerprint: row["fingerprint"], name: row["name"], kind: row["kind"], classification: row["classification"],
                        firstSeen: Date(timeIntervalSince1970: row["first_seen"]), lastSeen: Date(timeIntervalSince1970: row["last_seen"]),
                        lastSessions: row["last_sessions"], lastPlan: row["last_plan"])
                }
            }
        }
    }

    // MARK: Tickets

    /// Files a local ticket for `draft` (or returns the one already there). - Returns: `local:ID`.
    public func createLocalTicket(_ draft: TicketDraft) async throws -> FiledTicket {
        try await wrap("save") {
            try await database.pool.write { db in
                if let id = try Int.fetchOne(db, sql: "SELECT id FROM planner_ticket WHERE sink = 'local' AND fingerprint = ?", arguments: [draft.fingerprint]) {
                    return FiledTicket(reference: "local:\(id)", remoteID: String(id), url: nil)
                }
                try Self.insert(db, sink: "local", reference: nil, remoteID: nil, url: nil, draft: draft)
                let id = db.lastInsertedRowID
                try db.execute(sql: "UPDATE planner_ticket SET reference = ?, remote_id = ? WHERE id = ?", arguments: ["local:\(id)", String(id), id])
                return FiledTicket(reference: "local:\(id)", remoteID: String(id), url: nil)
            }
        }
    }

    public func ticket(sink: String, fingerprints: [String]) async throws -> (ticket: FiledTicket, reported: String)? {
        try await wrap("read") {
            try await database.pool.read { db -> (FiledTicket, String)? in
                for fingerprint in fingerprints {
                    // A ticket filed under any member fingerprint (stored in `fingerprints`, a JSON array) is this pattern's.
                    if let row = try Row.fetchOne(db, sql: """
                        SELECT * FROM planner_ticket WHERE sink = ? AND (fingerprint = ? OR instr(fingerprints, ?) > 0) ORDER BY id LIMIT 1
                        """, arguments: [sink, fingerprint, "\"\(fingerprint)\""]) {
                        return (FiledTicket(reference: row["reference"] ?? "", remoteID: row["remote_id"] ?? "", url: row["url"]), row["reported"])
                    }
                }
                return nil
            }
        }
    }

    public func record(_ ticket: FiledTicket, sink: String, draft: TicketDraft) async throws {
        try await wrap("save") {
            try await database.pool.write { db in
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM planner_ticket WHERE sink = ? AND fingerprint = ?", arguments: [sink, draft.fingerprint]) ?? false
                if !exists { try Self.insert(db, sink: sink, reference: ticket.reference, remoteID: ticket.remoteID, url: ticket.url, draft: draft) }
            }
        }
    }

    public func recordUpdate(sink: String, fingerprint: String, draft: TicketDraft) async throws {
        try await wrap("save") {
            try await database.pool.write { db in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT id, updates FROM planner_ticket WHERE sink = ? AND (fingerprint = ? OR instr(fingerprints, ?) > 0) ORDER BY id LIMIT 1
                    """, arguments: [sink, fingerprint, "\"\(fingerprint)\""]) else { return }
                var updates = (try? JSONDecoder().decode([String].self, from: Data((row["updates"] as String).utf8))) ?? []
                updates.append(draft.updateComment)
                try db.execute(
                    sql: "UPDATE planner_ticket SET sessions = ?, reported = ?, updates = ?, pattern = ?, updated_at = ? WHERE id = ?",
                    arguments: [draft.sessions, draft.updateComment, String(decoding: try JSONEncoder().encode(updates), as: UTF8.self),
                                String(decoding: try JSONEncoder().encode(draft.pattern), as: UTF8.self), Date().timeIntervalSince1970, row["id"] as Int64])
            }
        }
    }

    /// Every stored ticket, newest first.
    public func tickets() async throws -> [StoredTicket] {
        try await wrap("read") {
            try await database.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM planner_ticket ORDER BY id DESC").map(Self.ticket(from:))
            }
        }
    }

    /// The stored ticket `id` (the N of `local:N`), or nil.
    public func ticket(id: Int) async throws -> StoredTicket? {
        try await wrap("read") {
            try await database.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM planner_ticket WHERE id = ?", arguments: [id]).map(Self.ticket(from:))
            }
        }
    }

    private static func insert(_ db: Database, sink: String, reference: String?, remoteID: String?, url: String?, draft: TicketDraft) throws {
        let now = Date().timeIntervalSince1970
        try db.execute(sql: """
            INSERT INTO planner_ticket (sink, fingerprint, fingerprints, reference, remote_id, url, title, body, labels, classification,
                priority, sessions, reported, repository, updates, pattern, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?)
            """, arguments: [
                sink, draft.fingerprint, String(decoding: try JSONEncoder().encode(draft.fingerprints), as: UTF8.self), reference, remoteID, url,
                draft.title, draft.body, String(decoding: try JSONEncoder().encode(draft.labels), as: UTF8.self),
                draft.classification.rawValue, draft.priority.rawValue, draft.sessions, draft.updateComment, draft.repository,
                String(decoding: try JSONEncoder().encode(draft.pattern), as: UTF8.self), now, now,
            ])
    }

    private static func ticket(from row: Row) throws -> StoredTicket {
        let decoder = JSONDecoder()
        return StoredTicket(
            id: row["id"], sink: row["sink"], fingerprint: row["fingerprint"], reference: row["reference"], url: row["url"],
            title: row["title"], body: row["body"], labels: try decoder.decode([String].self, from: Data((row["labels"] as String).utf8)),
            classification: row["classification"], priority: row["priority"], sessions: row["sessions"], repository: row["repository"],
            updates: try decoder.decode([String].self, from: Data((row["updates"] as String).utf8)),
            pattern: try (row["pattern"] as String?).map { try decoder.decode(PatternEvidence.self, from: Data($0.utf8)) },
            createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    static var encoder: JSONEncoder { PlanStoreJSON.encoder }

    static var decoder: JSONDecoder { PlanStoreJSON.decoder }

    private func wrap<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        try await database.wrapErrors(operation, body)
    }
}
