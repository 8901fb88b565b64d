import FixloopCore
import Foundation
import Logging
import PostgresNIO

/// The job queue in PostgreSQL, shared by every `fixloop serve` process on every machine: the same behaviour as
/// `SQLiteJobStore`, with the guarantees held by the database rather than by one file's write lock.
///
/// - Claims take the oldest queued job with `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent claimers never wait on
///   each other's rows and never take the same job.
/// - The per-repository running limit holds across processes: a claimer counts a repository's running jobs only
///   while it holds `pg_try_advisory_xact_lock` on that repository; a repository another claimer is deciding on at
///   that instant is skipped for this claim (the worker's next poll sees it), so claimers never wait on each other.
/// - One queued-or-running job per ticket is the partial unique index `job_active_ticket`; an enqueue that loses the
///   race (`INSERT … ON CONFLICT DO NOTHING`) returns `.alreadyActive` with the winner's job, never an error.
/// - Webhook deliveries and triggers are unique keys (`INSERT … ON CONFLICT DO NOTHING`).
///
/// **Time.** Leases are measured in the database's clock (`clock_timestamp()`), so machines whose clocks disagree
/// still agree on when a lease expires; every timestamp the store writes (created, updated, finished) comes from
/// that clock too. The protocol's `now:` parameters are therefore ignored here. Tests that move time use short real
/// leases (the conformance suite leases for a fraction of a second and waits it out), which both backends honour.
public struct PostgresJobStore: JobStore {
    public let store: PostgresStore

    /// The queue in `store`'s database (its migrations applied by ``PostgresStore/open(url:password:poolSize:acquireTimeout:migrate:)``).
    public init(store: PostgresStore) { self.store = store }

    static let columns = """
        id, ticket, repository, trigger, state, attempts, max_attempts, lease_owner, lease_expires_at, created_at, updated_at,
        finished_at, stage, summary, pr_url, cost_usd, installation_id, progress_comment_id, request_text, requester, kind, not_before
        """
    /// The first key of the per-repository advisory locks (the second is `hashtext(repository)`).
    static let repositoryLockClass: Int32 = 0x6a6f_6273 // "jobs"

    public func enqueue(_ request: JobRequest, now: Date) async throws -> EnqueueResult {
        let url = store.url
        return try await store.withTransaction { connection, logger in try await Self.enqueue(request, url: url, connection, logger) }
    }

    public func enqueue(_ request: JobRequest, delivery: String, trigger: String?, now: Date) async throws -> DeliveryEnqueueResult {
        let url = store.url
        return try await store.withTransaction { connection, logger in
            // A second process inserting the same id waits here for this transaction, then finds it.
            guard try await Self.count(connection, logger, """
                INSERT INTO webhook_delivery (id, received_at) VALUES (\(delivery), clock_timestamp()) ON CONFLICT (id) DO NOTHING RETURNING 1
                """) == 1 else { return .duplicateDelivery }
            if let trigger, try await Self.count(connection, logger, """
                INSERT INTO webhook_trigger (key, delivery, received_at) VALUES (\(trigger), \(delivery), clock_timestamp())
                ON CONFLICT (key) DO NOTHING RETURNING 1
                """) != 1 {
                return .duplicateTrigger
            }
            return .recorded(try await Self.enqueue(request, url: url, connection, logger))
        }
    }

    /// Queues `request` inside the caller's transaction (``enqueue(_:now:)``).
    static func enqueue(_ request: JobRequest, url: PostgresURL, _ connection: PostgresConnection, _ logger: Logger) async throws -> EnqueueResult {
        // Twice at most: an active job seen by the insert's conflict may have ended before it could be read.
        for _ in 0..<3 {
            if let active = try await Self.jobs(connection, logger, """
                SELECT \(unescaped: Self.columns) FROM job WHERE ticket = \(request.ticket) AND state IN ('queued', 'running') FOR UPDATE
                """).first {
                // A round asked for while one runs is folded into the next round, queued when this one ends.
                if request.kind == .revision, active.state == .running {
                    try await connection.query("UPDATE job SET follow_up = 1 WHERE id = \(active.id)", logger: logger)
                }
                return .alreadyActive(active)
            }
            if !request.rerunsFinished, let last = try await Self.jobs(connection, logger, """
                SELECT \(unescaped: Self.columns) FROM job WHERE ticket = \(request.ticket) ORDER BY id DESC LIMIT 1
                """).first, last.state == .done, last.prURL != nil {
                return .finished(last)
            }
            let maxRounds: Int? = request.kind.isRound ? request.maxRounds : nil
            let inserted = try await Self.jobs(connection, logger, """
                INSERT INTO job (ticket, repository, trigger, state, attempts, max_attempts, created_at, updated_at, installation_id,
                                 progress_comment_id, request_text, requester, kind, max_rounds)
                VALUES (\(request.ticket), \(request.repository), \(request.trigger), 'queued', 0, \(request.maxAttempts),
                        clock_timestamp(), clock_timestamp(), \(request.installationID),
                        (SELECT progress_comment_id FROM job WHERE ticket = \(request.ticket) AND progress_comment_id IS NOT NULL
                         ORDER BY id DESC LIMIT 1),
                        \(request.requestText), \(request.requester), \(request.kind.rawValue), \(maxRounds))
                ON CONFLICT (ticket) WHERE state IN ('queued', 'running') DO NOTHING
                RETURNING \(unescaped: Self.columns)
                """)
            if let job = inserted.first { return .enqueued(job) }
        }
        throw PostgresError(.queryFailed, "Could not queue \(request.ticket) in PostgreSQL at \(url): its active job kept changing; try again.")
    }

    public func claim(worker: String, now: Date, lease: Duration, perRepositoryLimit: Int) async throws -> Job? {
        try await store.withTransaction { connection, logger in
            // Running jobs whose lease expired go back to the queue, or fail when they used up their attempts.
            try await connection.query("""
                UPDATE job SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                    summary = CASE WHEN attempts >= max_attempts THEN 'its worker stopped ' || attempts || ' times without finishing' ELSE summary END,
                    finished_at = CASE WHEN attempts >= max_attempts THEN clock_timestamp() ELSE NULL END,
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = clock_timestamp()
                WHERE id IN (SELECT id FROM job WHERE state = 'running' AND lease_expires_at < clock_timestamp() FOR UPDATE SKIP LOCKED)
                """, logger: logger)
            var skipped: [String] = []
            while true {
                var candidate: (Int64, String)?
                for try await row in try await connection.query("""
                    SELECT id, repository FROM job WHERE state = 'queued' AND (not_before IS NULL OR not_before <= clock_timestamp())
                      AND repository <> ALL(\(skipped))
                    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
                    """, logger: logger).decode((Int64, String).self) { candidate = row }
                guard let (id, repository) = candidate else { return nil }
                var locked = false
                for try await value in try await connection.query("""
                    SELECT pg_try_advisory_xact_lock(\(Self.repositoryLockClass), hashtext(\(repository)))
                    """, logger: logger).decode(Bool.self) { locked = value }
                var running = Int.max
                if locked {
                    for try await count in try await connection.query("""
                        SELECT count(*)::bigint FROM job WHERE state = 'running' AND repository = \(repository)
                        """, logger: logger).decode(Int.self) { running = count }
                }
                guard running < perRepositoryLimit else {
                    skipped.append(repository)
                    continue
                }
                return try await Self.jobs(connection, logger, """
                    UPDATE job SET state = 'running', attempts = attempts + 1, lease_owner = \(worker),
                        lease_expires_at = clock_timestamp() + make_interval(secs => \(lease.inSeconds)), updated_at = clock_timestamp()
                    WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                    """).first
            }
        }
    }

    public func renew(_ id: Int64, worker: String, now: Date, lease: Duration) async throws -> Bool {
        try await store.withConnection { connection, logger in
            try await Self.count(connection, logger, """
                UPDATE job SET lease_expires_at = clock_timestamp() + make_interval(secs => \(lease.inSeconds)), updated_at = clock_timestamp()
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(worker) RETURNING id
                """) == 1
        }
    }

    public func finish(_ id: Int64, worker: String, state: JobState, summary: String, prURL: String?, costUSD: Double, now: Date) async throws {
        try await store.withTransaction { connection, logger in
            let changed = try await Self.count(connection, logger, """
                UPDATE job SET state = \(state.rawValue), summary = \(summary), pr_url = \(prURL), cost_usd = \(costUSD),
                    finished_at = clock_timestamp(), updated_at = clock_timestamp(), lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(worker) RETURNING id
                """)
            if changed > 0 { try await Self.queueFollowUp(of: id, connection, logger) }
        }
    }

    public func release(_ id: Int64, worker: String, now: Date) async throws {
        try await store.withConnection { connection, logger in
            try await connection.query("""
                UPDATE job SET state = 'queued', attempts = GREATEST(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL,
                    updated_at = clock_timestamp()
                WHERE id = \(id) AND state = 'running' AND lease_owner = \(worker)
                """, logger: logger)
        }
    }

    /// The wait is `notBefore - now` measured on the database's clock (the store's one clock), not the caller's instant.
    public func requeue(_ id: Int64, worker: String, notBefore: Date, summary: String, now: Date) async throws {
        let wait = max(0, notBefore.timeIntervalSince(now))
        try await execute("""
            UPDATE job SET state = 'queued', attempts = GREATEST(attempts - 1, 0), not_before = clock_timestamp() + make_interval(secs => \(wait)),
                summary = \(summary), lease_owner = NULL, lease_expires_at = NULL, updated_at = clock_timestamp()
            WHERE id = \(id) AND state = 'running' AND lease_owner = \(worker)
            """)
    }

    public func cancel(_ id: Int64, now: Date) async throws -> Job? {
        try await store.withTransaction { connection, logger in
            try await connection.query("""
                UPDATE job SET state = 'cancelled', summary = 'cancelled', finished_at = clock_timestamp(), updated_at = clock_timestamp(),
                    lease_owner = NULL, lease_expires_at = NULL
                WHERE id = \(id) AND state IN ('queued', 'running')
                """, logger: logger)
            return try await Self.jobs(connection, logger, "SELECT \(unescaped: Self.columns) FROM job WHERE id = \(id)").first
        }
    }

    public func activeJob(ticket: String) async throws -> Job? {
        try await select("SELECT \(unescaped: Self.columns) FROM job WHERE ticket = \(ticket) AND state IN ('queued', 'running')").first
    }

    public func setStage(_ id: Int64, _ stage: String, now: Date) async throws {
        try await execute("UPDATE job SET stage = \(stage), updated_at = clock_timestamp() WHERE id = \(id)")
    }

    public func setProgressComment(_ id: Int64, commentID: Int) async throws {
        try await execute("UPDATE job SET progress_comment_id = \(commentID) WHERE id = \(id)")
    }

    public func job(_ id: Int64) async throws -> Job? {
        try await select("SELECT \(unescaped: Self.columns) FROM job WHERE id = \(id)").first
    }

    public func jobs(state: JobState?, limit: Int) async throws -> [Job] {
        // A negative limit is "all", as in SQLite; PostgreSQL reads `LIMIT NULL` so.
        let limit: Int? = limit < 0 ? nil : limit
        if let state {
            return try await select("SELECT \(unescaped: Self.columns) FROM job WHERE state = \(state.rawValue) ORDER BY id DESC LIMIT \(limit)")
        }
        return try await select("SELECT \(unescaped: Self.columns) FROM job ORDER BY id DESC LIMIT \(limit)")
    }

    public func counts() async throws -> [JobState: Int] {
        try await store.withConnection { connection, logger in
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for try await (state, count) in try await connection.query("SELECT state, count(*)::bigint FROM job GROUP BY state", logger: logger)
                .decode((String, Int).self) {
                if let state = JobState(rawValue: state) { counts[state] = count }
            }
            return counts
        }
    }

    public func recordDelivery(_ id: String, now: Date) async throws -> Bool {
        try await store.withConnection { connection, logger in
            let new = try await Self.count(connection, logger, """
                INSERT INTO webhook_delivery (id, received_at) VALUES (\(id), clock_timestamp()) ON CONFLICT (id) DO NOTHING RETURNING 1
                """) == 1
            // About every thousandth delivery forgets those older than GitHub redelivers (a few days); 30 days is ample.
            if new, Int.random(in: 0..<1000) == 0 {
                try await connection.query("DELETE FROM webhook_delivery WHERE received_at < clock_timestamp() - interval '30 days'", logger: logger)
            }
            return new
        }
    }

    public func recordTrigger(_ key: String, delivery: String, now: Date) async throws -> Bool {
        try await store.withConnection { connection, logger in
            try await Self.count(connection, logger, """
                INSERT INTO webhook_trigger (key, delivery, received_at) VALUES (\(key), \(delivery), clock_timestamp())
                ON CONFLICT (key) DO NOTHING RETURNING 1
                """) == 1
        }
    }

    public func forgetDelivery(_ id: String, triggers: [String]) async throws {
        try await store.withTransaction { connection, logger in
            try await connection.query("DELETE FROM webhook_delivery WHERE id = \(id)", logger: logger)
            for key in triggers {
                try await connection.query("DELETE FROM webhook_trigger WHERE key = \(key) AND delivery = \(id)", logger: logger)
            }
        }
    }

    public func revisionRounds(ticket: String?, since: Date?) async throws -> Int {
        try await store.withConnection { connection, logger in
            var total = 0
            for try await count in try await connection.query("""
                SELECT count(*)::bigint FROM job WHERE kind IN ('revision', 'ci', 'rebase') AND state <> 'cancelled'
                  AND (\(ticket)::text IS NULL OR ticket = \(ticket)) AND (\(since)::timestamptz IS NULL OR created_at >= \(since))
                """, logger: logger).decode(Int.self) { total = count }
            return total
        }
    }

    /// Queues the round folded into job `id` (a round asked for while it ran), when the pull request has rounds left.
    static func queueFollowUp(of id: Int64, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO job (ticket, repository, trigger, state, attempts, max_attempts, created_at, updated_at, installation_id, kind, max_rounds)
            SELECT ticket, repository, 'comments during job ' || id, 'queued', 0, max_attempts, clock_timestamp(), clock_timestamp(),
                   installation_id, 'revision', max_rounds
            FROM job AS ended
            WHERE id = \(id) AND kind IN ('revision', 'ci', 'rebase') AND follow_up = 1
              AND (SELECT count(*) FROM job WHERE kind IN ('revision', 'ci', 'rebase') AND state <> 'cancelled' AND ticket = ended.ticket)
                  < COALESCE(max_rounds, 3)
            ON CONFLICT (ticket) WHERE state IN ('queued', 'running') DO NOTHING
            """, logger: logger)
    }

    private func select(_ query: PostgresQuery) async throws -> [Job] {
        try await store.withConnection { connection, logger in try await Self.jobs(connection, logger, query) }
    }

    private func execute(_ query: PostgresQuery) async throws {
        try await store.withConnection { connection, logger in try await connection.query(query, logger: logger) }
    }

    private static func count(_ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> Int {
        var rows = 0
        for try await _ in try await connection.query(query, logger: logger) { rows += 1 }
        return rows
    }

    static func jobs(_ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> [Job] {
        var jobs: [Job] = []
        for try await row in try await connection.query(query, logger: logger) { jobs.append(try job(row)) }
        return jobs
    }

    private static func job(_ row: PostgresRow) throws -> Job {
        let row = row.makeRandomAccess()
        var job = Job(
            id: try row["id"].decode(Int64.self), ticket: try row["ticket"].decode(String.self),
            repository: try row["repository"].decode(String.self), trigger: try row["trigger"].decode(String.self),
            state: JobState(rawValue: try row["state"].decode(String.self)) ?? .failed, attempts: try row["attempts"].decode(Int.self),
            maxAttempts: try row["max_attempts"].decode(Int.self), createdAt: try row["created_at"].decode(Date.self),
            installationID: try row["installation_id"].decode(Int?.self))
        job.leaseOwner = try row["lease_owner"].decode(String?.self)
        job.leaseExpiresAt = try row["lease_expires_at"].decode(Date?.self)
        job.updatedAt = try row["updated_at"].decode(Date.self)
        job.finishedAt = try row["finished_at"].decode(Date?.self)
        job.stage = try row["stage"].decode(String?.self)
        job.summary = try row["summary"].decode(String?.self)
        job.prURL = try row["pr_url"].decode(String?.self)
        job.costUSD = try row["cost_usd"].decode(Double.self)
        job.progressCommentID = try row["progress_comment_id"].decode(Int?.self)
        job.requestText = try row["request_text"].decode(String?.self)
        job.requester = try row["requester"].decode(String?.self)
        job.kind = JobKind(rawValue: try row["kind"].decode(String.self)) ?? .fix
        job.notBefore = try row["not_before"].decode(Date?.self)
        return job
    }
}
