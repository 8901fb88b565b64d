import FixloopCore
import FixloopPlanner
import Foundation
import Logging
import PostgresNIO

/// The healing loop's store in PostgreSQL (migration `healing.v1`): the same behaviour as `SQLiteHealingStore`, so
/// the merges every machine's webhook intake learns land in one place, and each fixed ticket's life — merge, deploy,
/// verdict — is measured and announced once, whichever machine measures.
///
/// A ticket's life is linked from the planner's tickets (`planner_ticket`) and the fix runs (`fix_run`) of the same
/// database, so the planner's and the runs' stores must be PostgreSQL too (they are, with `[store] url`). Saying a
/// verdict is claimed first with one conditional update (``claimAnnouncement(ticket:verdict:replacing:)``): of two
/// machines measuring the same fix, the second finds the verdict already claimed and says nothing. The times the
/// store writes itself (`recorded_at`, `updated_at`) are the database's clock.
public struct PostgresHealingStore: HealingStore {
    public let store: PostgresStore

    public init(store: PostgresStore) { self.store = store }

    /// The advisory lock key of ``sync(deployDelay:)`` (any fixed 64-bit number, the same in every process).
    static let syncLock: Int64 = 0x6865_616c_696e_67 // "healing"

    /// Records a merge; the first one learnt stays (a webhook, then the API, say the same).
    public func recordMerge(_ merge: PullRequestMerge) async throws {
        try await store.withConnection { connection, logger in
            try await connection.query("""
                INSERT INTO pr_merge (pull_request, merge_commit, merged_at, source, recorded_at)
                VALUES (\(merge.pullRequest), \(merge.commit), \(merge.mergedAt), \(merge.source.rawValue), clock_timestamp())
                ON CONFLICT (pull_request) DO NOTHING
                """, logger: logger)
        }
    }

    public func merge(pullRequest: String) async throws -> PullRequestMerge? {
        try await store.withConnection { connection, logger in
            var merge: PullRequestMerge?
            for try await (key, commit, at, source) in try await connection.query("""
                SELECT pull_request, merge_commit, merged_at, source FROM pr_merge WHERE pull_request = \(pullRequest)
                """, logger: logger).decode((String, String?, Date, String).self) {
                merge = PullRequestMerge(pullRequest: key, commit: commit, mergedAt: at, source: PullRequestMerge.Source(rawValue: source) ?? .api)
            }
            return merge
        }
    }

    /// Links each filed ticket to its newest fixed run with a branch or pull request (a ticket filed by several
    /// sinks under one reference: the newest filing, as SQLite's last write), then sets deploy times from merges.
    /// Under a transaction-scoped advisory lock: machines syncing at once take turns instead of locking the same
    /// rows in different orders (a deadlock PostgreSQL would break by failing one of them).
    public func sync(deployDelay: TimeInterval) async throws {
        try await store.withTransaction { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.syncLock))", logger: logger)
            try await connection.query("""
                INSERT INTO fix_life (ticket, fingerprint, repository, branch, pull_request, updated_at)
                SELECT DISTINCT ON (t.reference) t.reference, t.fingerprint, r.repository, r.branch, r.pr_url, clock_timestamp()
                FROM planner_ticket t
                CROSS JOIN LATERAL (
                    SELECT repository, branch, pr_url FROM fix_run
                    WHERE ticket = t.reference AND status = 'fixed' AND (pr_url IS NOT NULL OR branch IS NOT NULL)
                    ORDER BY started_at DESC LIMIT 1) r
                WHERE t.reference IS NOT NULL
                ORDER BY t.reference, t.id DESC
                ON CONFLICT (ticket) DO UPDATE SET repository = excluded.repository, branch = excluded.branch,
                    pull_request = excluded.pull_request, updated_at = excluded.updated_at
                """, logger: logger)
            try await connection.query("""
                UPDATE fix_life SET deployed_at = (SELECT m.merged_at + \(deployDelay) * interval '1 second' FROM pr_merge m
                    WHERE m.pull_request = COALESCE(fix_life.pull_request, 'branch:' || fix_life.repository || '#' || fix_life.branch))
                WHERE NOT deploy_stated
                """, logger: logger)
        }
    }

    /// Every fixed ticket's life, newest ticket first (a life without a ticket last, as in SQLite).
    public func lives() async throws -> [FixLife] {
        try await store.withConnection { connection, logger in
            var lives: [FixLife] = []
            for try await row in try await connection.query("""
                SELECT l.ticket, l.fingerprint, l.repository, l.branch, l.pull_request, l.deployed_at, l.deploy_stated, l.measurement,
                       l.announced, l.reopened_at, t.title, m.merge_commit, m.merged_at, m.source
                FROM fix_life l
                LEFT JOIN planner_ticket t ON t.reference = l.ticket
                LEFT JOIN pr_merge m ON m.pull_request = COALESCE(l.pull_request, 'branch:' || l.repository || '#' || l.branch)
                ORDER BY t.id DESC NULLS LAST, l.ticket COLLATE "C"
                """, logger: logger) {
                lives.append(try Self.life(from: row.makeRandomAccess()))
            }
            return lives
        }
    }

    @discardableResult
    public func stateDeployed(ticket: String, at date: Date) async throws -> Bool {
        try await store.withConnection { connection, logger in
            try await Self.changed(connection, logger, """
                UPDATE fix_life SET deployed_at = \(date), deploy_stated = true, updated_at = clock_timestamp() WHERE ticket = \(ticket)
                RETURNING ticket
                """)
        }
    }

    public func recordMeasurement(ticket: String, _ measurement: HealingMeasurement) async throws {
        let text = String(decoding: try PlanStoreJSON.encoder.encode(measurement), as: UTF8.self)
        try await store.withConnection { connection, logger in
            try await connection.query("""
                UPDATE fix_life SET verdict = \(measurement.verdict.rawValue), measurement = \(text), updated_at = clock_timestamp()
                WHERE ticket = \(ticket)
                """, logger: logger)
        }
    }

    /// One conditional update: the row changes only while `announced` is still `previous`; a second machine's update
    /// waits for the first's row lock, then finds the condition false and changes nothing.
    public func claimAnnouncement(ticket: String, verdict: HealingVerdict, replacing previous: HealingVerdict?) async throws -> Bool {
        try await store.withConnection { connection, logger in
            try await Self.changed(connection, logger, """
                UPDATE fix_life SET announced = \(verdict.rawValue), updated_at = clock_timestamp()
                WHERE ticket = \(ticket) AND announced IS NOT DISTINCT FROM \(previous?.rawValue)::text
                RETURNING ticket
                """)
        }
    }

    public func releaseAnnouncement(ticket: String, verdict: HealingVerdict, restoring previous: HealingVerdict?) async throws {
        try await store.withConnection { connection, logger in
            try await connection.query("""
                UPDATE fix_life SET announced = \(previous?.rawValue)::text, updated_at = clock_timestamp()
                WHERE ticket = \(ticket) AND announced = \(verdict.rawValue)
                """, logger: logger)
        }
    }

    public func recordAnnounced(ticket: String, verdict: HealingVerdict, reopened: Bool) async throws {
        try await store.withConnection { connection, logger in
            try await connection.query("""
                UPDATE fix_life SET announced = \(verdict.rawValue),
                    reopened_at = CASE WHEN \(reopened) THEN clock_timestamp() ELSE reopened_at END, updated_at = clock_timestamp()
                WHERE ticket = \(ticket)
                """, logger: logger)
        }
    }

    public func signatures(fingerprint: String) async throws -> (main: FailureSignature, variants: [FailureSignature], route: String)? {
        let texts = try await store.withConnection { connection, logger in
            var texts: [String] = []
            for try await text in try await connection.query("""
                SELECT result FROM plan_run WHERE strpos(result, \(fingerprint)) > 0 ORDER BY id DESC
                """, logger: logger).decode(String.self) { texts.append(text) }
            return texts
        }
        for text in texts {
            let plan = try PlanStoreJSON.decoder.decode(PlanResult.self, from: Data(text.utf8))
            if let pattern = plan.patterns.first(where: { $0.fingerprint == fingerprint || $0.memberFingerprints.contains(fingerprint) }) {
                return (pattern.signature, pattern.variants, pattern.stats.route)
            }
        }
        return nil
    }

    /// Appends to the ticket's `updates` (a JSON list) under its row lock, so two machines' comments both stay.
    public func commentOnLocalTicket(id: Int, _ text: String) async throws {
        try await store.withTransaction { connection, logger in
            var updates: String?
            for try await stored in try await connection.query("""
                SELECT updates FROM planner_ticket WHERE id = \(id) FOR UPDATE
                """, logger: logger).decode(String.self) { updates = stored }
            guard let updates else { return }
            var list = try JSONDecoder().decode([String].self, from: Data(updates.utf8))
            list.append(text)
            let encoded = String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
            try await connection.query("""
                UPDATE planner_ticket SET updates = \(encoded), updated_at = clock_timestamp() WHERE id = \(id)
                """, logger: logger)
        }
    }

    /// Whether `query` (an UPDATE … RETURNING) changed a row.
    private static func changed(_ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> Bool {
        var changed = false
        for try await _ in try await connection.query(query, logger: logger) { changed = true }
        return changed
    }

    private static func life(from row: PostgresRandomAccessRow) throws -> FixLife {
        let pullRequest = try row["pull_request"].decode(String?.self)
        var merge: PullRequestMerge?
        if let at = try row["merged_at"].decode(Date?.self) {
            // As SQLite's: the merge is named by the life's pull request ("" for a branch without one).
            merge = PullRequestMerge(pullRequest: pullRequest ?? "", commit: try row["merge_commit"].decode(String?.self), mergedAt: at,
                                     source: PullRequestMerge.Source(rawValue: try row["source"].decode(String?.self) ?? "") ?? .api)
        }
        return FixLife(
            ticket: try row["ticket"].decode(String.self), fingerprint: try row["fingerprint"].decode(String.self),
            title: try row["title"].decode(String?.self) ?? "", repository: try row["repository"].decode(String?.self),
            branch: try row["branch"].decode(String?.self), pullRequest: pullRequest, merge: merge,
            deployedAt: try row["deployed_at"].decode(Date?.self), deployStated: try row["deploy_stated"].decode(Bool.self),
            measurement: try row["measurement"].decode(String?.self).map { try PlanStoreJSON.decoder.decode(HealingMeasurement.self, from: Data($0.utf8)) },
            announced: try row["announced"].decode(String?.self).flatMap(HealingVerdict.init(rawValue:)),
            reopenedAt: try row["reopened_at"].decode(Date?.self))
    }
}
