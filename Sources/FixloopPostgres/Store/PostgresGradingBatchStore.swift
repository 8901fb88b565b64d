import FixloopCore
import Foundation
import Logging
import PostgresNIO

/// The scorer's submitted grading batches in PostgreSQL (migration `batches.v1`), so a batch submitted by
/// `score --batch` on one machine is collected by `score --collect` on another.
///
/// ``markCollected(batchID:phase:)`` is a conditional update (`… WHERE NOT collected RETURNING id`): of two machines
/// collecting the same batch at once, the second waits for the first's row lock, then finds the batch collected and
/// is told so. Custom ids are ordered bytewise (`COLLATE "C"`), as SQLite orders them. The shared schema has no
/// foreign key from a request to its batch: the requests are written in the batch's transaction.
public struct PostgresGradingBatchStore: GradingBatchStore {
    public let store: PostgresStore

    /// The batches in `store`'s database.
    public init(store: PostgresStore) { self.store = store }

    /// Requests written by one INSERT (each column bound as one array).
    static let rowsPerInsert = 5_000

    public func record(batchID: String, model: String, entries: [GradingBatchEntry], at date: Date) async throws {
        try await store.withTransaction { connection, logger in
            try await connection.query("""
                INSERT INTO grading_batch (id, model, submitted_at, requests, phase, collected)
                VALUES (\(batchID), \(model), \(date), \(entries.count), 'running', false)
                """, logger: logger)
            var start = entries.startIndex
            while start < entries.endIndex {
                let part = entries[start..<min(start + Self.rowsPerInsert, entries.endIndex)]
                try await connection.query("""
                    INSERT INTO grading_batch_request (batch_id, custom_id, session_id, timeline_hash, prompt_hash)
                    SELECT \(batchID), * FROM unnest(\(part.map(\.customID))::text[], \(part.map(\.sessionID))::text[],
                                                     \(part.map(\.timelineHash))::text[], \(part.map(\.promptHash))::text[])
                    """, logger: logger)
                start = part.endIndex
            }
        }
    }

    public func openBatches(model: String) async throws -> [GradingBatchRecord] {
        try await store.withConnection { connection, logger in
            try await Self.records(connection, logger, """
                SELECT \(unescaped: Self.columns) FROM grading_batch WHERE model = \(model) AND NOT collected
                ORDER BY submitted_at, id COLLATE "C"
                """)
        }
    }

    public func batches() async throws -> [GradingBatchRecord] {
        try await store.withConnection { connection, logger in
            try await Self.records(connection, logger, """
                SELECT \(unescaped: Self.columns) FROM grading_batch ORDER BY submitted_at DESC, id COLLATE "C" DESC
                """)
        }
    }

    public func entries(batchID: String) async throws -> [GradingBatchEntry] {
        try await store.withConnection { connection, logger in
            var entries: [GradingBatchEntry] = []
            let rows = try await connection.query("""
                SELECT custom_id, session_id, timeline_hash, prompt_hash FROM grading_batch_request
                WHERE batch_id = \(batchID) ORDER BY custom_id COLLATE "C"
                """, logger: logger)
            for try await (customID, sessionID, timelineHash, promptHash) in rows.decode((String, String, String, String).self) {
                entries.append(GradingBatchEntry(
                    batchID: batchID, customID: customID, sessionID: sessionID, timelineHash: timelineHash, promptHash: promptHash))
            }
            return entries
        }
    }

    public func notePhase(batchID: String, phase: String) async throws {
        try await store.withConnection { connection, logger in
            try await connection.query("""
                UPDATE grading_batch SET phase = \(phase) WHERE id = \(batchID) AND NOT collected
                """, logger: logger)
        }
    }

    public func markCollected(batchID: String, phase: String) async throws -> Bool {
        try await store.withConnection { connection, logger in
            var marked = false
            for try await _ in try await connection.query("""
                UPDATE grading_batch SET phase = \(phase), collected = true WHERE id = \(batchID) AND NOT collected RETURNING id
                """, logger: logger).decode(String.self) {
                marked = true
            }
            return marked
        }
    }

    static let columns = "id, model, submitted_at, requests, phase, collected"

    private static func records(_ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> [GradingBatchRecord] {
        var records: [GradingBatchRecord] = []
        for try await (id, model, submittedAt, requests, phase, collected)
            in try await connection.query(query, logger: logger).decode((String, String, Date, Int, String, Bool).self) {
            records.append(GradingBatchRecord(id: id, model: model, submittedAt: submittedAt, requests: requests, phase: phase, collected: collected))
        }
        return records
    }
}
