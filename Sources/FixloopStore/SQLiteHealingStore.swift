import FixloopCore
import FixloopPlanner
import Foundation
import GRDB

/// The fixed ticket's life, for the files that know the store alone (the type is the planner's).
public typealias FixLife = FixloopPlanner.FixLife

/// The healing loop's store: merges by pull request, and each fixed ticket's life (migration `healing.v1`).
public struct SQLiteHealingStore: HealingStore {
    private let database: FixloopDatabase

    public init(database: FixloopDatabase) { self.database = database }

    /// Records a merge; the first one learnt stays (a webhook, then the API, say the same).
    public func recordMerge(_ merge: PullRequestMerge) async throws {
        try await database.wrapErrors("save") {
            try await database.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO pr_merge (pull_request, merge_commit, merged_at, source, recorded_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(pull_request) DO NOTHING
                    """, arguments: [merge.pullRequest, merge.commit, merge.mergedAt.timeIntervalSince1970, merge.source.rawValue,
                                     Date().timeIntervalSince1970])
            }
        }
    }

    /// The merge recorded for `pullRequest` (a URL or `branch:REPOSITORY#BRANCH`), or nil.
    public func merge(pullRequest: String) async throws -> PullRequestMerge? {
        try await database.wrapErrors("read") {
            try await database.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM pr_merge WHERE pull_request = ?", arguments: [pullRequest]).map { row in
                    PullRequestMerge(pullRequest: row["pull_request"], commit: row["merge_commit"], mergedAt: Date(timeIntervalSince1970: row["merged_at"]),
                                     source: PullRequestMerge.Source(rawValue: row["source"]) ?? .api)
                }
            }
        }
    }

    /// Brings every filed ticket's life up to date from the runs: the newest run that pushed a branch or opened a pull
    /// request links it; a merge known for it sets the deploy time (merge + `deployDelay`) unless one was stated.
    public func sync(deployDelay: TimeInterval) async throws {
        try await database.wrapErrors("save") {
            try await database.pool.write { db in
                let tickets = try Row.fetchAll(db, sql: "SELECT reference, fingerprint FROM planner_ticket WHERE reference IS NOT NULL")
                let now = Date().timeIntervalSince1970
                for ticket in tickets {
                    let reference: String = ticket["reference"]
                    guard let run = try Row.fetchOne(db, sql: """
                        SELECT repository, branch, pr_url FROM fix_run WHERE ticket = ? AND status = 'fixed' AND (pr_url IS NOT NULL OR branch IS NOT NULL)
                        ORDER BY started_at DESC LIMIT 1
                        """, arguments: [reference]) else { continue }
                    try db.execute(sql: """
                        INSERT INTO fix_life (ticket, fingerprint, repository, branch, pull_request, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT(ticket) DO UPDATE SET repository = excluded.repository, branch = excluded.branch,
                            pull_request = excluded.pull_request, updated_at = excluded.updated_at
                        """, arguments: [reference, ticket["fingerprint"] as String, run["repository"] as String?, run["branch"] as String?,
                                         run["pr_url"] as String?, now])
                }
                try db.execute(sql: """
                    UPDATE fix_life SET deployed_at = (SELECT m.merged_at + ? FROM pr_merge m WHERE m.pull_request =
                        COALESCE(fix_life.pull_request, 'branch:' || fix_life.repository || '#' || fix_life.branch))
                    WHERE deploy_stated = 0
                    """, arguments: [deployDelay])
            }
        }
    }

    /// Every fixed ticket's life, newest ticket first.
    public func lives() async throws -> [FixLife] {
        try await database.wrapErrors("read") {
            try await database.pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT l.*, t.title, m.merge_commit, m.merged_at, m.source FROM fix_life l
                    LEFT JOIN planner_ticket t ON t.reference = l.ticket
                    LEFT JOIN pr_merge m ON m.pull_request = COALESCE(l.pull_request, 'branch:' || l.repository || '#' || l.branch)
                    ORDER BY t.id DESC, l.ticket
                    """).map(Self.life(from:))
            }
        }
    }

    /// States when `ticket`'s fix was deployed (it then no longer follows the merge time). - Returns: false when the
    /// ticket has no fix.
    @discardableResult
    public func stateDeployed(ticket: String, at date: Date) async throws -> Bool {
        try await database.wrapErrors("save") {
            try await database.pool.write { db in
                try db.execute(sql: "UPDATE fix_life SET deployed_at = ?, deploy_stated = 1, updated_at = ? WHERE ticket = ?",
                               arguments: [date.timeIntervalSince1970, Date().timeIntervalSince1970, ticket])
                return db.changesCount > 0
            }
        }
    }

    /// Keeps the newest measurement of `ticket`'s fix.
    public func recordMeasurement(ticket: String, _ measurement: HealingMeasurement) async throws {
        let text = String(decoding: try PlanStoreJSON.encoder.encode(measurement), as: UTF8.self)
        try await database.wrapErrors("save") {
            try await database.pool.write { db in
                try db.execute(sql: "UPDATE fix_life SET verdict = ?, measurement = ?, updated_at = ? WHERE ticket = ?",
                               arguments: [measurement.verdict.rawValue, text, Date().timeIntervalSince1970, ticket])
            }
        }
    }

    public func claimAnnouncement(ticket: String, verdict: HealingVerdict, replacing previous: HealingVerdict?) async throws -> Bool {
        try await database.wrapErrors("save") {
            try await database.pool.write { db in
                try db.execute(sql: "UPDATE fix_life SET announced = ?, updated_at = ? WHERE ticket = ? AND announced IS ?",
                               arguments: [verdict.rawValue, Date().timeIntervalSince1970, ticket, previous?.rawValue])
                return db.changesCount > 0
            }
        }
    }

    public func releaseAnnouncement(ticket: String, verdict: HealingVerdict, restoring previous: HealingVerdict?) async throws {
        try await database.wrapErrors("save") {
            try await database.pool.write { db in
                try db.execute(sql: "UPDATE fix_life SET announced = ?, updated_at = ? WHERE ticket = ? AND announced = ?",
                               arguments: [previous?.rawValue, Date().timeIntervalSince1970, ticket, verdict.rawValue])
            }
        }
    }

    /// Records that `verdict` was said on the pull request and ticket (and whether the ticket was reopened).
    public func recordAnnounced(ticket: String, verdict: HealingVerdict, reopened: Bool) async throws {
        try await database.wrapErrors("save") {
            try await database.pool.write { db in
                try db.execute(sql: """
                    UPDATE fix_life SET announced = ?, reopened_at = CASE WHEN ? THEN ? ELSE reopened_at END, updated_at = ? WHERE ticket = ?
                    """, arguments: [verdict.rawValue, reopened, Date().timeIntervalSince1970, Date().timeIntervalSince1970, ticket])
            }
        }
    }

    /// The signatures of the pattern `fingerprint` as the newest plan that saw it kept them (main, variants).
    public func signatures(fingerprint: String) async throws -> (main: FailureSignature, variants: [FailureSignature], route: String)? {
        try await database.wrapErrors("read") {
            let texts = try await database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT result FROM plan_run WHERE instr(result, ?) > 0 ORDER BY id DESC", arguments: [fingerprint])
            }
            for text in texts {
                let plan = try PlanStoreJSON.decoder.decode(PlanResult.self, from: Data(text.utf8))
                if let pattern = plan.patterns.first(where: { $0.fingerprint == fingerprint || $0.memberFingerprints.contains(fingerprint) }) {
                    return (pattern.signature, pattern.variants, pattern.stats.route)
                }
            }
            return nil
        }
    }

    /// Adds `text` to a local ticket's update comments (the local store's way to comment).
    public func commentOnLocalTicket(id: Int, _ text: String) async throws {
        try await database.wrapErrors("save") {
            try await database.pool.write { db in
                guard let updates = try String.fetchOne(db, sql: "SELECT updates FROM planner_ticket WHERE id = ?", arguments: [id]) else { return }
                var list = try JSONDecoder().decode([String].self, from: Data(updates.utf8))
                list.append(text)
                try db.execute(sql: "UPDATE planner_ticket SET updates = ?, updated_at = ? WHERE id = ?",
                               arguments: [String(decoding: try JSONEncoder().encode(list), as: UTF8.self), Date().timeIntervalSince1970, id])
            }
        }
    }

    private static func life(from row: Row) throws -> FixLife {
        let merge: PullRequestMerge? = (row["merged_at"] as Double?).map { at in
            PullRequestMerge(pullRequest: row["pull_request"] ?? "", commit: row["merge_commit"], mergedAt: Date(timeIntervalSince1970: at),
                             source: PullRequestMerge.Source(rawValue: row["source"] ?? "") ?? .api)
        }
        return FixLife(
            ticket: row["ticket"], fingerprint: row["fingerprint"], title: row["title"] ?? "", repository: row["repository"],
            branch: row["branch"], pullRequest: row["pull_request"], merge: merge,
            deployedAt: (row["deployed_at"] as Double?).map(Date.init(timeIntervalSince1970:)), deployStated: row["deploy_stated"],
            measurement: try (row["measurement"] as String?).map { try PlanStoreJSON.decoder.decode(HealingMeasurement.self, from: Data($0.utf8)) },
            announced: (row["announced"] as String?).flatMap(HealingVerdict.init(rawValue:)),
            reopenedAt: (row["reopened_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }
}
