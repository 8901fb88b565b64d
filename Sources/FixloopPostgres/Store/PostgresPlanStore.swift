import FixloopCore
import FixloopPlanner
import FixloopSessionTypes
import Foundation
import Logging
import PostgresNIO

/// The planner's store in PostgreSQL (migration `planner.v1`), shared by every machine: the same behaviour as
/// `SQLitePlanStore` — plan runs, the patterns seen across runs, the tickets filed — and the scored sessions the
/// scorer keeps in `session_score` and `session_facts` (`scorer.v1`).
///
/// A ticket's id is `planner_ticket`'s identity column; "one ticket per pattern and sink" is the unique index
/// `planner_ticket_sink_fingerprint`, so two machines filing the same pattern at once end with one ticket (the
/// second insert waits for the first and finds it). Plan runs and tickets are stamped with the database's clock.
public struct PostgresPlanStore: PlanStore {
    public let store: PostgresStore

    public init(store: PostgresStore) { self.store = store }

    static let ticketColumns = """
        id, sink, fingerprint, reference, url, title, body, labels, classification, priority, sessions, repository, updates, pattern,
        created_at, updated_at
        """

    // MARK: Sessions

    public func scoredSessions(since: Date?, until: Date) async throws -> [ScoredSession] {
        let rows = try await store.withConnection { connection, logger in
            var rows: [(String, Date, Int, String, String?, String?)] = []
            for try await row in try await connection.query("""
                SELECT s.session_id, s.start, s.score, s.blurb, s.model_grade, f.facts FROM session_score s
                LEFT JOIN session_facts f ON f.session_id = s.session_id
                WHERE (\(since)::timestamptz IS NULL OR s.start >= \(since)) AND s.start < \(until) ORDER BY s.start, s.session_id
                """, logger: logger).decode((String, Date, Int, String, String?, String?).self) { rows.append(row) }
            return rows
        }
        let decoder = JSONDecoder()
        return try rows.map { id, start, score, blurb, grade, facts in
            ScoredSession(
                id: id, start: start, score: score, blurb: try Self.decode([String].self, blurb, decoder, "session_score.blurb"),
                modelGrade: try grade.map { try Self.decode(ModelGrade.self, $0, decoder, "session_score.model_grade") },
                facts: try facts.map { try Self.decode(SessionFacts.self, $0, decoder, "session_facts.facts") })
        }
    }

    // MARK: Plans

    @discardableResult
    public func savePlan(_ plan: PlanResult, sink: String) async throws -> Int64 {
        let text = String(decoding: try PlanStoreJSON.encoder.encode(plan), as: UTF8.self)
        return try await store.withTransaction { connection, logger in
            var id: Int64 = 0
            for try await inserted in try await connection.query("""
                INSERT INTO plan_run (created_at, "since", "until", sink, result) VALUES (clock_timestamp(), \(plan.since), \(plan.until), \(sink), \(text))
                RETURNING id
                """, logger: logger).decode(Int64.self) { id = inserted }
            for pattern in plan.patterns {
                try await connection.query("""
                    INSERT INTO planner_pattern (fingerprint, name, kind, classification, first_seen, last_seen, last_sessions, last_plan)
                    VALUES (\(pattern.fingerprint), \(pattern.name), \(pattern.signature.kind.rawValue), \(pattern.classification.rawValue),
                            \(pattern.stats.firstSeen), \(pattern.stats.lastSeen), \(pattern.stats.sessions), \(id))
                    ON CONFLICT (fingerprint) DO UPDATE SET name = excluded.name, classification = excluded.classification,
                        first_seen = LEAST(planner_pattern.first_seen, excluded.first_seen),
                        last_seen = GREATEST(planner_pattern.last_seen, excluded.last_seen),
                        last_sessions = excluded.last_sessions, last_plan = excluded.last_plan
                    """, logger: logger)
            }
            return id
        }
    }

    public func latestPlan() async throws -> PlanResult? {
        try await results("SELECT result FROM plan_run ORDER BY id DESC LIMIT 1").first
    }

    public func plans(overlapping start: Date, _ end: Date) async throws -> [PlanResult] {
        try await results("""
            SELECT result FROM plan_run WHERE "until" > \(start) AND ("since" IS NULL OR "since" < \(end)) ORDER BY id
            """)
    }

    public func patterns() async throws -> [StoredPattern] {
        try await store.withConnection { connection, logger in
            var patterns: [StoredPattern] = []
            for try await (fingerprint, name, kind, classification, first, last, sessions, plan) in try await connection.query("""
                SELECT fingerprint, name, kind, classification, first_seen, last_seen, last_sessions, last_plan FROM planner_pattern
                ORDER BY fingerprint
                """, logger: logger).decode((String, String, String, String, Date, Date, Int, Int64).self) {
                patterns.append(StoredPattern(fingerprint: fingerprint, name: name, kind: kind, classification: classification, firstSeen: first,
                                              lastSeen: last, lastSessions: sessions, lastPlan: plan))
            }
            return patterns
        }
    }

    private func results(_ query: PostgresQuery) async throws -> [PlanResult] {
        let texts = try await store.withConnection { connection, logger in
            var texts: [String] = []
            for try await text in try await connection.query(query, logger: logger).decode(String.self) { texts.append(text) }
            return texts
        }
        return try texts.map { try Self.decode(PlanResult.self, $0, PlanStoreJSON.decoder, "plan_run.result") }
    }

    // MARK: Tickets

    public func createLocalTicket(_ draft: TicketDraft) async throws -> FiledTicket {
        let values = try TicketValues(draft)
        let id = try await store.withTransaction { connection, logger in
            var id: Int64?
            // The unique index decides: a concurrent insert of the same pattern waits for ours, then inserts nothing.
            for try await inserted in try await connection.query("""
                INSERT INTO planner_ticket (sink, fingerprint, fingerprints, title, body, labels, classification, priority, sessions, reported,
                    repository, updates, pattern, created_at, updated_at)
                VALUES ('local', \(draft.fingerprint), \(values.fingerprints), \(draft.title), \(draft.body), \(values.labels),
                    \(draft.classification.rawValue), \(draft.priority.rawValue), \(draft.sessions), \(draft.updateComment), \(draft.repository),
                    '[]', \(values.pattern), statement_timestamp(), statement_timestamp())
                ON CONFLICT (sink, fingerprint) DO NOTHING RETURNING id
                """, logger: logger).decode(Int64.self) { id = inserted }
            if let id {
                try await connection.query("""
                    UPDATE planner_ticket SET reference = \("local:\(id)"), remote_id = \(String(id)) WHERE id = \(id)
                    """, logger: logger)
                return id
            }
            for try await existing in try await connection.query("""
                SELECT id FROM planner_ticket WHERE sink = 'local' AND fingerprint = \(draft.fingerprint)
                """, logger: logger).decode(Int64.self) { id = existing }
            guard let id else {
                throw PostgresError(.queryFailed, "The local ticket for pattern \(draft.fingerprint) was neither inserted nor found; run fixloop plan again.")
            }
            return id
        }
        return FiledTicket(reference: "local:\(id)", remoteID: String(id), url: nil)
    }

    public func ticket(sink: String, fingerprints: [String]) async throws -> (ticket: FiledTicket, reported: String)? {
        try await store.withConnection { connection, logger -> (ticket: FiledTicket, reported: String)? in
            for fingerprint in fingerprints {
                // A ticket filed under any member fingerprint (kept in `fingerprints`, a JSON array) is this pattern's.
                for try await (reference, remoteID, url, reported) in try await connection.query("""
                    SELECT reference, remote_id, url, reported FROM planner_ticket
                    WHERE sink = \(sink) AND (fingerprint = \(fingerprint) OR strpos(fingerprints, \("\"\(fingerprint)\"")) > 0) ORDER BY id LIMIT 1
                    """, logger: logger).decode((String?, String?, String?, String).self) {
                    return (FiledTicket(reference: reference ?? "", remoteID: remoteID ?? "", url: url), reported)
                }
            }
            return nil
        }
    }

    public func record(_ ticket: FiledTicket, sink: String, draft: TicketDraft) async throws {
        let values = try TicketValues(draft)
        try await store.withConnection { connection, logger in
            try await connection.query("""
                INSERT INTO planner_ticket (sink, fingerprint, fingerprints, reference, remote_id, url, title, body, labels, classification, priority,
                    sessions, reported, repository, updates, pattern, created_at, updated_at)
                VALUES (\(sink), \(draft.fingerprint), \(values.fingerprints), \(ticket.reference), \(ticket.remoteID), \(ticket.url), \(draft.title),
                    \(draft.body), \(values.labels), \(draft.classification.rawValue), \(draft.priority.rawValue), \(draft.sessions),
                    \(draft.updateComment), \(draft.repository), '[]', \(values.pattern), statement_timestamp(), statement_timestamp())
                ON CONFLICT (sink, fingerprint) DO NOTHING
                """, logger: logger)
        }
    }

    public func recordUpdate(sink: String, fingerprint: String, draft: TicketDraft) async throws {
        let pattern = try TicketValues(draft).pattern
        try await store.withTransaction { connection, logger in
            // The row is locked until the update commits: two machines appending comments keep both.
            var found: (Int64, String)?
            for try await row in try await connection.query("""
                SELECT id, updates FROM planner_ticket
                WHERE sink = \(sink) AND (fingerprint = \(fingerprint) OR strpos(fingerprints, \("\"\(fingerprint)\"")) > 0) ORDER BY id LIMIT 1
                FOR UPDATE
                """, logger: logger).decode((Int64, String).self) { found = row }
            guard let (id, text) = found else { return }
            var updates = (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
            updates.append(draft.updateComment)
            let updated = String(decoding: try JSONEncoder().encode(updates), as: UTF8.self)
            try await connection.query("""
                UPDATE planner_ticket SET sessions = \(draft.sessions), reported = \(draft.updateComment), updates = \(updated), pattern = \(pattern),
                    updated_at = clock_timestamp()
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    public func tickets() async throws -> [StoredTicket] {
        try await storedTickets("SELECT \(unescaped: Self.ticketColumns) FROM planner_ticket ORDER BY id DESC")
    }

    public func ticket(id: Int) async throws -> StoredTicket? {
        try await storedTickets("SELECT \(unescaped: Self.ticketColumns) FROM planner_ticket WHERE id = \(Int64(id))").first
    }

    private func storedTickets(_ query: PostgresQuery) async throws -> [StoredTicket] {
        let rows = try await store.withConnection { connection, logger in
            var rows: [PostgresRandomAccessRow] = []
            for try await row in try await connection.query(query, logger: logger) { rows.append(row.makeRandomAccess()) }
            return rows
        }
        let decoder = JSONDecoder()
        return try rows.map { row in
            StoredTicket(
                id: Int(try row["id"].decode(Int64.self)), sink: try row["sink"].decode(String.self), fingerprint: try row["fingerprint"].decode(String.self),
                reference: try row["reference"].decode(String?.self), url: try row["url"].decode(String?.self),
                title: try row["title"].decode(String.self), body: try row["body"].decode(String.self),
                labels: try Self.decode([String].self, try row["labels"].decode(String.self), decoder, "planner_ticket.labels"),
                classification: try row["classification"].decode(String.self), priority: try row["priority"].decode(Int.self),
                sessions: try row["sessions"].decode(Int.self), repository: try row["repository"].decode(String?.self),
                updates: try Self.decode([String].self, try row["updates"].decode(String.self), decoder, "planner_ticket.updates"),
                pattern: try (try row["pattern"].decode(String?.self)).map { try Self.decode(PatternEvidence.self, $0, decoder, "planner_ticket.pattern") },
                createdAt: try row["created_at"].decode(Date.self), updatedAt: try row["updated_at"].decode(Date.self))
        }
    }

    /// `text` (a JSON column) as `type`. - Throws: ``PostgresError`` naming the column when it does not decode.
    private static func decode<T: Decodable>(_ type: T.Type, _ text: String, _ decoder: JSONDecoder, _ column: String) throws -> T {
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw PostgresError(.queryFailed, "The store's \(column) does not read as \(type) (\(error)); it was written by another program or version.")
        }
    }
}

/// A draft's JSON columns, as `SQLitePlanStore` writes them.
private struct TicketValues {
    var fingerprints: String
    var labels: String
    var pattern: String

    init(_ draft: TicketDraft) throws {
        let encoder = JSONEncoder()
        fingerprints = String(decoding: try encoder.encode(draft.fingerprints), as: UTF8.self)
        labels = String(decoding: try encoder.encode(draft.labels), as: UTF8.self)
        pattern = String(decoding: try encoder.encode(draft.pattern), as: UTF8.self)
    }
}
