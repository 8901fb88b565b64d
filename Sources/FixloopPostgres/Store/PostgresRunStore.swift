import FixloopCore
import Foundation
import Logging
import PostgresNIO

/// Fix runs in PostgreSQL: the same behaviour as `SQLiteRunStore` — one live run per ticket, a killed run seen as
/// interrupted, the branch a ticket was first given kept — for processes on several machines.
///
/// A run's liveness is its process: only runs of this host (`host`) can be checked, so a run whose machine died
/// stays `running` until a process on that machine starts (the same as SQLite, which only ever sees one machine).
/// Starting a run holds `pg_advisory_xact_lock` on the ticket, so two machines cannot both start one. A run's start
/// is the record's own `startedAt`; the finish and a branch's creation are the database's clock.
public struct PostgresRunStore: RunStore, RunHistory {
    public let store: PostgresStore
    /// Tells whether a process on this host is alive; injected for tests.
    public var isAlive: @Sendable (Int32) -> Bool = { kill($0, 0) == 0 || errno == EPERM }
    /// This machine's name, as runs record it.
    public var host = ProcessInfo.processInfo.hostName

    public init(store: PostgresStore) { self.store = store }

    static let columns = "id, ticket, repository, status, host, pid, started_at, finished_at, branch, pr_url, reason, kind, pull_request, job_id"
    /// The first key of the per-ticket advisory locks (the second is `hashtext(ticket)`).
    static let ticketLockClass: Int32 = 0x7275_6e73 // "runs"

    public func start(_ record: RunRecord) async throws -> RunRecord? {
        try await store.withTransaction { [self] connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.ticketLockClass), hashtext(\(record.ticket)))", logger: logger)
            try await markInterrupted(connection, logger, ticket: record.ticket)
            if let holder = try await Self.records(connection, logger, """
                SELECT \(unescaped: Self.columns) FROM fix_run WHERE ticket = \(record.ticket) AND status = 'running'
                ORDER BY started_at DESC LIMIT 1
                """).first {
                return holder
            }
            try await connection.query("""
                INSERT INTO fix_run (id, ticket, repository, status, host, pid, started_at, kind, pull_request, job_id)
                VALUES (\(record.id), \(record.ticket), \(record.repository), 'running', \(record.host), \(Int(record.pid)), \(record.startedAt),
                        \(record.kind.rawValue), \(record.pullRequest), \(record.jobID))
                """, logger: logger)
            return nil
        }
    }

    public func finish(_ id: String, status: RunStatus, branch: String?, prURL: String?, reason: String?) async throws {
        try await store.withConnection { connection, logger in
            try await connection.query("""
                UPDATE fix_run SET status = \(status.rawValue), finished_at = clock_timestamp(), branch = \(branch), pr_url = \(prURL),
                    reason = \(reason)
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    public func branch(ticket: String, repository: String, proposed: String) async throws -> String {
        try await store.withConnection { connection, logger in
            try await connection.query("""
                INSERT INTO ticket_branch (repository, ticket, branch, created_at) VALUES (\(repository), \(ticket), \(proposed), clock_timestamp())
                ON CONFLICT (repository, ticket) DO NOTHING
                """, logger: logger)
            var branch = proposed
            for try await stored in try await connection.query("""
                SELECT branch FROM ticket_branch WHERE repository = \(repository) AND ticket = \(ticket)
                """, logger: logger).decode(String.self) { branch = stored }
            return branch
        }
    }

    /// A run by id (`latest` for the newest), with dead `running` runs of this host shown as `interrupted`.
    public func run(_ id: String) async throws -> RunRecord? {
        try await store.withTransaction { [self] connection, logger in
            try await markInterrupted(connection, logger, ticket: nil)
            if id == "latest" {
                return try await Self.records(connection, logger, "SELECT \(unescaped: Self.columns) FROM fix_run ORDER BY started_at DESC LIMIT 1").first
            }
            return try await Self.records(connection, logger, "SELECT \(unescaped: Self.columns) FROM fix_run WHERE id = \(id)").first
        }
    }

    /// The ids of runs that begin with `prefix`, at most `limit` of them, sorted.
    public func runIDs(prefix: String, limit: Int) async throws -> [String] {
        try await store.withConnection { connection, logger in
            var ids: [String] = []
            for try await id in try await connection.query("""
                SELECT id FROM fix_run WHERE left(id, length(\(prefix))) = \(prefix) ORDER BY id LIMIT \(limit)
                """, logger: logger).decode(String.self) { ids.append(id) }
            return ids
        }
    }

    /// The rounds of one pull request (`gh:OWNER/NAME#N`), oldest first.
    public func rounds(pullRequest: String) async throws -> [RunRecord] {
        try await store.withConnection { connection, logger in
            try await Self.records(connection, logger, """
                SELECT \(unescaped: Self.columns) FROM fix_run WHERE pull_request = \(pullRequest) AND kind <> 'fix' ORDER BY started_at
                """)
        }
    }

    /// The runs started in `start..<end`, newest first, with dead `running` runs of this host shown as `interrupted`.
    public func runs(from start: Date, to end: Date) async throws -> [RunRecord] {
        try await store.withTransaction { [self] connection, logger in
            try await markInterrupted(connection, logger, ticket: nil)
            return try await Self.records(connection, logger, """
                SELECT \(unescaped: Self.columns) FROM fix_run WHERE started_at >= \(start) AND started_at < \(end) ORDER BY started_at DESC
                """)
        }
    }

    /// The runs of one ticket, newest first.
    public func runs(ticket: String) async throws -> [RunRecord] {
        try await store.withConnection { connection, logger in
            try await Self.records(connection, logger, "SELECT \(unescaped: Self.columns) FROM fix_run WHERE ticket = \(ticket) ORDER BY started_at DESC")
        }
    }

    private func markInterrupted(_ connection: PostgresConnection, _ logger: Logger, ticket: String?) async throws {
        var dead: [String] = []
        for try await (id, pid) in try await connection.query("""
            SELECT id, pid FROM fix_run WHERE status = 'running' AND host = \(host) AND (\(ticket)::text IS NULL OR ticket = \(ticket))
            """, logger: logger).decode((String, Int).self) where !isAlive(Int32(truncatingIfNeeded: pid)) {
            dead.append(id)
        }
        guard !dead.isEmpty else { return }
        try await connection.query("""
            UPDATE fix_run SET status = 'interrupted', reason = 'its process ended without finishing' WHERE id = ANY(\(dead))
            """, logger: logger)
    }

    static func records(_ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> [RunRecord] {
        var records: [RunRecord] = []
        for try await row in try await connection.query(query, logger: logger) {
            let row = row.makeRandomAccess()
            var record = RunRecord(
                id: try row["id"].decode(String.self), ticket: try row["ticket"].decode(String.self),
                repository: try row["repository"].decode(String.self), host: try row["host"].decode(String.self),
                pid: Int32(truncatingIfNeeded: try row["pid"].decode(Int.self)), startedAt: try row["started_at"].decode(Date.self))
            record.status = RunStatus(rawValue: try row["status"].decode(String.self)) ?? .error
            record.finishedAt = try row["finished_at"].decode(Date?.self)
            record.branch = try row["branch"].decode(String?.self)
            record.prURL = try row["pr_url"].decode(String?.self)
            record.reason = try row["reason"].decode(String?.self)
            record.kind = RunKind(rawValue: try row["kind"].decode(String.self)) ?? .fix
            record.pullRequest = try row["pull_request"].decode(String?.self)
            record.jobID = try row["job_id"].decode(Int64?.self)
            records.append(record)
        }
        return records
    }
}

extension PostgresRunStore: ManualRoundCounter {
    public func manualRounds(pullRequest: String?, since: Date?) async throws -> Int {
        try await store.withConnection { connection, logger in
            var total = 0
            for try await count in try await connection.query("""
                SELECT count(*)::bigint FROM fix_run WHERE kind <> 'fix' AND job_id IS NULL AND status <> 'error'
                  AND (\(pullRequest)::text IS NULL OR pull_request = \(pullRequest)) AND (\(since)::timestamptz IS NULL OR started_at >= \(since))
                """, logger: logger).decode(Int.self) { total = count }
            return total
        }
    }
}
