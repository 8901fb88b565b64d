import FixloopCore
import Foundation

/// A fixed ticket's life after its pull request: pattern → ticket → pull request → merged → deployed → verdict.
public struct FixLife: Sendable, Hashable, Codable {
    /// The ticket as runs know it: `local:1`, `gh:acme/shop#12`, `linear:ENG-4`.
    public var ticket: String
    public var fingerprint: String
    public var title: String
    /// The repository the fix was made in (`OWNER/NAME` or the remote's URL).
    public var repository: String?
    public var branch: String?
    /// The pull request's URL; nil for a branch pushed without one.
    public var pullRequest: String?
    public var merge: PullRequestMerge?
    public var deployedAt: Date?
    /// Whether ``deployedAt`` was stated (`fixloop tickets deployed`) rather than the merge time plus the delay.
    public var deployStated: Bool
    public var measurement: HealingMeasurement?
    /// The verdict last said on the pull request and ticket.
    public var announced: HealingVerdict?
    public var reopenedAt: Date?

    public init(ticket: String, fingerprint: String, title: String, repository: String?, branch: String?, pullRequest: String?,
                merge: PullRequestMerge?, deployedAt: Date?, deployStated: Bool, measurement: HealingMeasurement?,
                announced: HealingVerdict?, reopenedAt: Date?) {
        self.ticket = ticket
        self.fingerprint = fingerprint
        self.title = title
        self.repository = repository
        self.branch = branch
        self.pullRequest = pullRequest
        self.merge = merge
        self.deployedAt = deployedAt
        self.deployStated = deployStated
        self.measurement = measurement
        self.announced = announced
        self.reopenedAt = reopenedAt
    }

    /// The key a merge is recorded under: the pull request's URL, else `branch:REPOSITORY#BRANCH`.
    public var mergeKey: String? {
        pullRequest ?? branch.flatMap { branch in repository.map { "branch:\($0)#\(branch)" } }
    }

    /// `merged`, `open` (a pull request not merged yet), `branch` (pushed without one).
    public var state: String { merge != nil ? "merged" : pullRequest != nil ? "open" : "branch" }
}

/// The healing loop's store (tables `pr_merge` and `fix_life`): merges by pull request — the webhook intake of every
/// machine records into it — and each fixed ticket's life, linked from the planner's tickets (`planner_ticket`) and
/// the fix runs (`fix_run`) of the same store. SQLite (`SQLiteHealingStore`) or PostgreSQL (`PostgresHealingStore`).
public protocol HealingStore: MergeRecorder {
    /// The merge recorded for `pullRequest` (a URL or `branch:REPOSITORY#BRANCH`), or nil.
    func merge(pullRequest: String) async throws -> PullRequestMerge?

    /// Brings every filed ticket's life up to date from the runs: the newest fixed run that pushed a branch or opened
    /// a pull request links it; a merge known for it sets the deploy time (merge + `deployDelay`) unless one was stated.
    func sync(deployDelay: TimeInterval) async throws

    /// Every fixed ticket's life, newest ticket first.
    func lives() async throws -> [FixLife]

    /// States when `ticket`'s fix was deployed (it then no longer follows the merge time).
    /// - Returns: false when the ticket has no fix.
    @discardableResult
    func stateDeployed(ticket: String, at date: Date) async throws -> Bool

    /// Keeps the newest measurement of `ticket`'s fix.
    func recordMeasurement(ticket: String, _ measurement: HealingMeasurement) async throws

    /// Claims the saying of `verdict` on `ticket`: marks it announced only when the verdict last announced is still
    /// `previous` (one conditional update), so of several processes measuring the same fix exactly one says it.
    /// - Returns: whether this caller won the claim and should say the verdict.
    func claimAnnouncement(ticket: String, verdict: HealingVerdict, replacing previous: HealingVerdict?) async throws -> Bool

    /// Gives a claim back when the verdict could not be said: `previous` again, if `verdict` is still the one claimed,
    /// so the next run tries again.
    func releaseAnnouncement(ticket: String, verdict: HealingVerdict, restoring previous: HealingVerdict?) async throws

    /// Records that `verdict` was said on the pull request and ticket (and whether the ticket was reopened).
    func recordAnnounced(ticket: String, verdict: HealingVerdict, reopened: Bool) async throws

    /// The signatures of the pattern `fingerprint` as the newest plan that saw it kept them (main, variants, route).
    func signatures(fingerprint: String) async throws -> (main: FailureSignature, variants: [FailureSignature], route: String)?

    /// Adds `text` to a local ticket's update comments (the local store's way to comment).
    func commentOnLocalTicket(id: Int, _ text: String) async throws
}

extension HealingStore {
    /// The life of `ticket` (`local:1`, `gh:o/r#12`), or nil when no fix for it was pushed.
    public func life(ticket: String) async throws -> FixLife? {
        try await lives().first { $0.ticket == ticket }
    }
}
