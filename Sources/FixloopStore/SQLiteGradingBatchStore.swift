import FixloopCore
import Foundation
import GRDB

/// The scorer's submitted batches in the machine's SQLite file (migration `batches.v1`): a rerun or `score --collect`
/// finds them here and takes their results instead of submitting again. Writes are serialised by SQLite, so
/// ``markCollected(batchID:phase:)`` is a claim across the processes sharing the file.
public struct SQLiteGradingBatchStore: GradingBatchStore {
    private let database: FixloopDatabase
    private var path: String { database.pool.path }

    /// Uses the `grading_batch` tables of `database`.
    public init(database: FixloopDatabase) { self.database = database }

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("batches.v1") { db in
            try db.create(table: "grading_batch") { table in
                table.primaryKey("id", .text)
                table.column("model", .text).notNull()
                table.column("submitted_at", .double).notNull()
                table.column("requests", .integer).notNull()
                table.column("phase", .text).notNull()
                table.column("collected", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "grading_batch_request") { table in
                table.column("batch_id", .text).notNull().references("grading_batch", onDelete: .cascade)
                table.column("custom_id", .text).notNull()
                table.column("session_id", .text).notNull()
                table.column("timeline_hash", .text).notNull()
                table.column("prompt_hash", .text).notNull()
                table.primaryKey(["batch_id", "custom_id"])
            }
            try db.create(index: "grading_batch_request_session", on: "grading_batch_request", columns: ["session_id"])
        }
    }

    /// Records a submitted batch and its requests in one transaction.
    public func record(batchID: String, model: String, entries: [GradingBatchEntry], at date: Date) async throws {
        try await wrap("record") {
            try await database.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO grading_batch (id, model, submitted_at, requests, phase) VALUES (?, ?, ?, ?, 'running')",
                    arguments: [batchID, model, date.timeIntervalSince1970, entries.count])
                for entry in entries {
                    try db.execute(
                        sql: """
                            INSERT INTO grading_batch_request (batch_id, custom_id, session_id, timeline_hash, prompt_hash)
                            VALUES (?, ?, ?, ?, ?)
                            """,
                        arguments: [batchID, entry.customID, entry.sessionID, entry.timelineHash, entry.promptHash])
                }
            }
        }
    }

    /// The batches of `model` whose results were not taken yet, oldest first.
    public func openBatches(model: String) async throws -> [GradingBatchRecord] {
        try await wrap("read") {
            try await database.pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM grading_batch WHERE model = ? AND NOT collected ORDER BY submitted_at, id",
                    arguments: [model]
                ).map(Self.record)
            }
        }
    }

    /// Every batch, newest first.
    public func batches() async throws -> [GradingBatchRecord] {
        try await wrap("read") {
            try await database.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM grading_batch ORDER BY submitted_at DESC, id DESC").map(Self.record)
            }
        }
    }

    /// The requests of a batch.
    public func entries(batchID: String) async throws -> [GradingBatchEntry] {
        try await wrap("read") {
            try await database.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM grading_batch_request WHERE batch_id = ? ORDER BY custom_id",
                                 arguments: [batchID]).map { row in
                    GradingBatchEntry(batchID: row["batch_id"], customID: row["custom_id"], sessionID: row["session_id"],
                                      timelineHash: row["timeline_hash"], promptHash: row["prompt_hash"])
                }
            }
        }
    }

    /// Notes what a poll saw of a batch not collected yet.
    public func notePhase(batchID: String, phase: String) async throws {
        try await wrap("record") {
            try await database.pool.write { db in
                try db.execute(sql: "UPDATE grading_batch SET phase = ? WHERE id = ? AND NOT collected", arguments: [phase, batchID])
            }
        }
    }

    /// Marks the batch collected unless it is; true when this call did (the batch is then never read again).
    public func markCollected(batchID: String, phase: String) async throws -> Bool {
        try await wrap("record") {
            try await database.pool.write { db in
                try db.execute(sql: "UPDATE grading_batch SET phase = ?, collected = 1 WHERE id = ? AND NOT collected",
                               arguments: [phase, batchID])
                return db.changesCount > 0
            }
        }
    }

    private static func record(_ row: Row) -> GradingBatchRecord {
        GradingBatchRecord(
            id: row["id"], model: row["model"], submittedAt: Date(timeIntervalSince1970: row["submitted_at"]),
            requests: row["requests"], phase: row["phase"], collected: row["collected"])
    }

    private func wrap<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw StoreError(operation: operation, path: path, resultCode: error.resultCode.rawValue)
        }
    }
}
