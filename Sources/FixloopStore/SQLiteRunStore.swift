import FixloopCore
import Foundation
import GRDB

/// Runs in SQLite: a killed run is seen as interrupted, and one ticket is never fixed by two live runs at once.
public struct SQLiteRunStore: RunStore {
    public let database: FixloopDatabase
    /// Tells whether a process on this host is alive; injected for tests.
    public var isAlive: @Sendable (Int32) -> Bool = { kill($0, 0) == 0 || errno == EPERM }

    public init(database: FixloopDatabase) { self.database = database }

    /// Records a new run, unless another live run on this host holds the same ticket.
    /// - Returns: nil when started; the run holding the ticket otherwise.
    public func start(_ record: RunRecord) throws -> RunRecord? {
        try write { db in
            try markInterrupted(db, ticket: record.ticket)
            if let holder = try Row.fetchOne(db, sql: "SELECT * FROM fix_run WHERE ticket = ? AND status = 'running' ORDER BY started_at DESC LIMIT 1",
                                             arguments: [record.ticket]) {
                return Self.record(holder)
            }
            try db.execute(sql: """
                INSERT INTO fix_run (id, ticket, repository, status, host, pid, started_at, kind, pull_request, job_id)
                VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)
                """, arguments: [record.id, record.ticket, record.repository, record.host, record.pid, record.startedAt.timeIntervalSince1970,
                                record.kind.rawValue, record.pullRequest, record.jobID])
            return nil
        }
    }

    /// Records how a run ended.
    public func finish(_ id: String, status: RunStatus, branch: String?, prURL: String?, reason: String?) throws {
        try write { db in
            try db.execute(sql: "UPDATE fix_run SET status = ?, finished_at = ?, branch = ?, pr_url = ?, reason = ? WHERE id = ?",
                           arguments: [status.rawValue, Date().timeIntervalSince1970, branch, prURL, reason, id])
        }
    }

    /// A run by id (`latest` for the newest), with dead `running` runs shown as `interrupted`.
    public func run(_ id: String) throws -> RunRecord? {
        try write { db in
            try markInterrupted(db, ticket: nil)
            let row = id == "latest"
                ? try Row.fetchOne(db, sql: "SELECT * FROM fix_run ORDER BY started_at DESC LIMIT 1")
                : try Row.fetchOne(db, sql: "SELECT * FROM fix_run WHERE id = ?", arguments: [id])
            return row.map(Self.record)
        }
    }

    /// The ids of runs that begin with `prefix`, at most `limit` of them, sorted.
    public func runIDs(prefix: String, limit: Int = 11) throws -> [String] {
        try database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM fix_run WHERE substr(id, 1, length(?)) = ? ORDER BY id LIMIT ?",
                                arguments: [prefix, prefix, limit])
        }
    }

    /// The runs started in `start..<end`, newest first, with dead `running` runs shown as `interrupted`.
    public func runs(from start: Date, to end: Date) throws -> [RunRecord] {
        try write { db in
            try markInterrupted(db, ticket: nil)
            return try Row.fetchAll(
                db, sql: "SELECT * FROM fix_run WHERE started_at >= ? AND started_at < ? ORDER BY started_at DESC",
                arguments: [start.timeIntervalSince1970, end.timeIntervalSince1970]
            ).map(Self.record)
        }
    }

    /// The runs of one ticket, newest first.
    public func runs(ticket: String) throws -> [RunRecord] {
        try database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fix_run WHERE ticket = ? ORDER BY started_at DESC", arguments: [ticket]).map(Self.record)
        }
    }

    private func markInterrupted(_ db: Database, ticket: String?) throws {
        let host = ProcessInfo.processInfo.hostName
        let rows = try Row.fetchAll(db, sql: "SELECT id, pid FROM fix_run WHERE status = 'running' AND host = ?" + (ticket == nil ? "" : " AND ticket = ?"),
                                    arguments: ticket == nil ? [host] : [host, ticket])
        for row in rows where !isAlive(row["pid"]) {
            try db.execute(sql: "UPDATE fix_run SET status = 'interrupted', reason = 'its process ended without finishing' WHERE id = ?",
                           arguments: [row["id"] as String])
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.pool.write(body)
        } catch let error as DatabaseError {
            throw StoreError(operation: "write", path: database.pool.path, resultCode: error.resultCode.rawValue)
        }
    }

    static func record(_ row: Row) -> RunRecord {
        var record = RunRecord(id: row["id"], ticket: row["ticket"], repository: row["repository"], host: row["host"], pid: row["pid"],
                               startedAt: Date(timeIntervalSince1970: row["started_at"]))
        record.status = RunStatus(rawValue: row["status"]) ?? .error
        record.finishedAt = (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        record.branch = row["branch"]
        record.prURL = row["pr_url"]
        record.reason = row["reason"]
        record.kind = RunKind(rawValue: row["kind"] ?? "fix") ?? .fix
        record.pullRequest = row["pull_request"]
        record.jobID = row["job_id"]
        return record
    }
}
