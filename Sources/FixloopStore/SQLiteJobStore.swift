import FixloopCore
import Foundation
import GRDB

/// The job queue in SQLite: one write transaction per transition, so concurrent workers (tasks or processes on
/// this machine) never take the same job.
public struct SQLiteJobStore: JobStore {
    public let database: FixloopDatabase

    public init(database: FixloopDatabase) { self.database = database }

    public func enqueue(_ request: JobRequest, now: Date) async throws -> EnqueueResult {
        try await write { db in try Self.enqueue(request, now: now, db) }
    }

    public func enqueue(_ request: JobRequest, delivery: String, trigger: String?, now: Date) async throws -> DeliveryEnqueueResult {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO webhook_delivery (id, received_at) VALUES (?, ?)", arguments: [delivery, now.timeIntervalSince1970])
            guard db.changesCount == 1 else { return .duplicateDelivery }
            if let trigger {
                try db.execute(sql: "INSERT OR IGNORE INTO webhook_trigger (key, delivery, received_at) VALUES (?, ?, ?)",
                               arguments: [trigger, delivery, now.timeIntervalSince1970])
                guard db.changesCount == 1 else { return .duplicateTrigger }
            }
            return .recorded(try Self.enqueue(request, now: now, db))
        }
    }

    /// Queues `request` inside the caller's write transaction (``enqueue(_:now:)``).
    static func enqueue(_ request: JobRequest, now: Date, _ db: Database) throws -> EnqueueResult {
        if let active = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE ticket = ? AND state IN ('queued', 'running')", arguments: [request.ticket]) {
            // A round asked for while one runs is folded into the next round, queued when this one ends.
            if request.kind == .revision, active["state"] as String == JobState.running.rawValue {
                try db.execute(sql: "UPDATE job SET follow_up = 1 WHERE id = ?", arguments: [active["id"] as Int64])
            }
            return .alreadyActive(Self.job(active))
        }
        if !request.rerunsFinished, let last = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE ticket = ? ORDER BY id DESC LIMIT 1",
                                                                arguments: [request.ticket]).map(Self.job),
           last.state == .done, last.prURL != nil {
            return .finished(last)
        }
        let comment = try Int.fetchOne(db, sql: """
            SELECT progress_comment_id FROM job WHERE ticket = ? AND progress_comment_id IS NOT NULL ORDER BY id DESC LIMIT 1
            """, arguments: [request.ticket])
        try db.execute(sql: """
            INSERT INTO job (ticket, repository, trigger, state, attempts, max_attempts, created_at, updated_at, installation_id, progress_comment_id, request_text,
                             requester, kind, max_rounds)
            VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [request.ticket, request.repository, request.trigger, request.maxAttempts, now.timeIntervalSince1970,
                             now.timeIntervalSince1970, request.installationID, comment, request.requestText, request.requester,
                             request.kind.rawValue, request.kind.isRound ? request.maxRounds : nil])
        return .enqueued(try Self.job(try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [db.lastInsertedRowID])!))
    }

    public func claim(worker: String, now: Date, lease: Duration, perRepositoryLimit: Int) async throws -> Job? {
        try await write { db in
            let time = now.timeIntervalSince1970
            try db.execute(sql: """
                UPDATE job SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                    summary = CASE WHEN attempts >= max_attempts THEN 'its worker stopped ' || attempts || ' times without finishing' ELSE summary END,
                    finished_at = CASE WHEN attempts >= max_attempts THEN ? ELSE NULL END,
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
                WHERE state = 'running' AND lease_expires_at < ?
                """, arguments: [time, time, time])
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM job WHERE state = 'queued' AND (not_before IS NULL OR not_before <= ?)
                  AND (SELECT COUNT(*) FROM job AS busy WHERE busy.state = 'running' AND busy.repository = job.repository) < ?
                ORDER BY id LIMIT 1
                """, arguments: [time, perRepositoryLimit]) else { return nil }
            let id: Int64 = row["id"]
            try db.execute(sql: """
                UPDATE job SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?, updated_at = ? WHERE id = ?
                """, arguments: [worker, time + Self.seconds(lease), time, id])
            return try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]).map(Self.job)
        }
    }

    public func renew(_ id: Int64, worker: String, now: Date, lease: Duration) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE job SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?",
                           arguments: [now.timeIntervalSince1970 + Self.seconds(lease), now.timeIntervalSince1970, id, worker])
            return db.changesCount == 1
        }
    }

    public func finish(_ id: Int64, worker: String, state: JobState, summary: String, prURL: String?, costUSD: Double, now: Date) async throws {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET state = ?, summary = ?, pr_url = ?, cost_usd = ?, finished_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """, arguments: [state.rawValue, summary, prURL, costUSD, now.timeIntervalSince1970, now.timeIntervalSince1970, id, worker])
            if db.changesCount > 0 { try Self.queueFollowUp(of: id, db: db, now: now) }
        }
    }

    public func release(_ id: Int64, worker: String, now: Date) async throws {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET state = 'queued', attempts = MAX(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """, arguments: [now.timeIntervalSince1970, id, worker])
        }
    }

    public func requeue(_ id: Int64, worker: String, notBefore: Date, summary: String, now: Date) async throws {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET state = 'queued', attempts = MAX(attempts - 1, 0), not_before = ?, summary = ?, lease_owner = NULL,
                    lease_expires_at = NULL, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """, arguments: [notBefore.timeIntervalSince1970, summary, now.timeIntervalSince1970, id, worker])
        }
    }

    public func cancel(_ id: Int64, now: Date) async throws -> Job? {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET state = 'cancelled', summary = 'cancelled', finished_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ? AND state IN ('queued', 'running')
                """, arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, id])
            return try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]).map(Self.job)
        }
    }

    public func activeJob(ticket: String) async throws -> Job? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM job WHERE ticket = ? AND state IN ('queued', 'running')", arguments: [ticket]).map(Self.job)
        }
    }

    public func setStage(_ id: Int64, _ stage: String, now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE job SET stage = ?, updated_at = ? WHERE id = ?", arguments: [stage, now.timeIntervalSince1970, id])
        }
    }

    public func setProgressComment(_ id: Int64, commentID: Int) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE job SET progress_comment_id = ? WHERE id = ?", arguments: [commentID, id])
        }
    }

    public func job(_ id: Int64) async throws -> Job? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]).map(Self.job) }
    }

    public func jobs(state: JobState?, limit: Int) async throws -> [Job] {
        try await read { db in
            let rows = state == nil
                ? try Row.fetchAll(db, sql: "SELECT * FROM job ORDER BY id DESC LIMIT ?", arguments: [limit])
                : try Row.fetchAll(db, sql: "SELECT * FROM job WHERE state = ? ORDER BY id DESC LIMIT ?", arguments: [state!.rawValue, limit])
            return rows.map(Self.job)
        }
    }

    public func counts() async throws -> [JobState: Int] {
        try await read { db in
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM job GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    public func recordDelivery(_ id: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO webhook_delivery (id, received_at) VALUES (?, ?)", arguments: [id, now.timeIntervalSince1970])
            guard db.changesCount == 1 else { return false }
            // Every thousandth delivery forgets those older than GitHub redelivers (a few days); 30 days is ample.
            if db.lastInsertedRowID % 1000 == 0 {
                try db.execute(sql: "DELETE FROM webhook_delivery WHERE received_at < ?", arguments: [now.timeIntervalSince1970 - 30 * 86400])
            }
            return true
        }
    }

    public func recordTrigger(_ key: String, delivery: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO webhook_trigger (key, delivery, received_at) VALUES (?, ?, ?)",
                           arguments: [key, delivery, now.timeIntervalSince1970])
            return db.changesCount == 1
        }
    }

    public func forgetDelivery(_ id: String, triggers: [String]) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM webhook_delivery WHERE id = ?", arguments: [id])
            for key in triggers {
                try db.execute(sql: "DELETE FROM webhook_trigger WHERE key = ? AND delivery = ?", arguments: [key, id])
            }
        }
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.pool.write(body)
        } catch let error as DatabaseError {
            throw StoreError(operation: "write", path: database.pool.path, resultCode: error.resultCode.rawValue)
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.pool.read(body)
        } catch let error as DatabaseError {
            throw StoreError(operation: "read", path: database.pool.path, resultCode: error.resultCode.rawValue)
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        duration.inSeconds
    }

    private static func job(_ row: Row) -> Job {
        var job = Job(id: row["id"], ticket: row["ticket"], repository: row["repository"], trigger: row["trigger"],
                      state: JobState(rawValue: row["state"]) ?? .failed, attempts: row["attempts"], maxAttempts: row["max_attempts"],
                      createdAt: Date(timeIntervalSince1970: row["created_at"]), installationID: row["installation_id"])
        job.leaseOwner = row["lease_owner"]
        job.leaseExpiresAt = (row["lease_expires_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        job.updatedAt = Date(timeIntervalSince1970: row["updated_at"])
        job.finishedAt = (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        job.stage = row["stage"]
        job.summary = row["summary"]
        job.prURL = row["pr_url"]
        job.costUSD = row["cost_usd"]
        job.progressCommentID = row["progress_comment_id"]
        job.requestText = row["request_text"]
        job.requester = row["requester"]
        job.kind = JobKind(rawValue: row["kind"] ?? "fix") ?? .fix
        job.notBefore = (row["not_before"] as Double?).map(Date.init(timeIntervalSince1970:))
        return job
    }
}
