import FixloopCore
import FixloopGit
import FixloopGitHub
import FixloopLinear
import FixloopPlanner
import FixloopPrompts
import FixloopStore
import Foundation

/// The healing loop after a fix's pull request: learn merges (GitHub API, libgit2 for local remotes; the webhook
/// records its own), set deploy times, measure each deployed fix, and say a new verdict on the pull request and the
/// ticket — reopening the ticket when the pattern is not gone. `fixloop outcomes` and the end of `fixloop plan` run it.
struct HealingLoop {
    /// Merges and fixes' lives: the configured store's (``StoreBackend/healing``).
    var store: any HealingStore
    /// Where the scored sessions are read (``StoreBackend/plans``).
    var plans: any PlanStore
    var settings: PlannerSettings
    var prompts: PromptLibrary
    /// GitHub, for pull requests' merges, comments and reopening issues; nil leaves GitHub out.
    var github: GitHubClient?
    /// Linear, for comments on `linear:` tickets; nil leaves them out.
    var linear: LinearClient?
    /// Whether verdicts are said (comments, reopening); `outcomes --no-comment` and dry runs only measure.
    var announces = true
    var now = Date()

    /// What a run found: every fix's life after it, and what could not be done (said, not thrown).
    struct Result {
        var lives: [FixLife]
        var notes: [String]
        var announced: [String]
    }

    /// The loop over `backend`'s healing and plan stores.
    init(backend: StoreBackend, settings: PlannerSettings, prompts: PromptLibrary) {
        store = backend.healing
        plans = backend.plans
        self.settings = settings
        self.prompts = prompts
    }

    func run() async throws -> Result {
        let delay = TimeInterval(settings.deployDelayHours) * 3600
        var notes: [String] = []
        try await store.sync(deployDelay: delay)
        for life in try await store.lives() where life.merge == nil {
            do {
                if let merge = try await learnMerge(life) { try await store.recordMerge(merge) }
            } catch {
                notes.append("\(life.ticket): the merge could not be learnt (\(Self.describe(error)))")
            }
        }
        try await store.sync(deployDelay: delay)
        var announced: [String] = []
        for life in try await store.lives() {
            guard let deployed = life.deployedAt, deployed <= now else { continue }
            guard let pattern = try await store.signatures(fingerprint: life.fingerprint) else {
                notes.append("\(life.ticket): no plan kept the pattern \(life.fingerprint); run fixloop plan")
                continue
            }
            let measurement = try await Self.measure(pattern: pattern, deployedAt: deployed, asOf: now, previous: life.announced,
                                                     plans: plans, settings: settings)
            try await store.recordMeasurement(ticket: life.ticket, measurement)
            guard announces, measurement.verdict != .waiting, measurement.verdict != life.announced else { continue }
            // Claimed first: of several processes measuring this fix, only the one whose claim lands says the verdict.
            guard try await store.claimAnnouncement(ticket: life.ticket, verdict: measurement.verdict, replacing: life.announced) else { continue }
            var current = life
            current.measurement = measurement
            do {
                let reopened = try await announce(current, signature: pattern.main.text)
                try await store.recordAnnounced(ticket: life.ticket, verdict: measurement.verdict, reopened: reopened)
                announced.append("\(life.ticket): \(measurement.verdict.rawValue)\(reopened ? ", reopened" : "")")
            } catch {
                try? await store.releaseAnnouncement(ticket: life.ticket, verdict: measurement.verdict, restoring: life.announced)
                notes.append("\(life.ticket): the \(measurement.verdict.rawValue) verdict could not be said (\(Self.describe(error))); the next run tries again")
            }
        }
        return Result(lives: try await store.lives(), notes: notes, announced: announced)
    }

    /// The measurement of a fix deployed at `deployedAt` with the data up to `asOf`: it reaches as far as the newest
    /// scored session before then, so a week not imported yet is not a healed week. The loop measures as of now; an
    /// older week's review as of its end.
    static func measure(pattern: (main: FailureSignature, variants: [FailureSignature], route: String), deployedAt deployed: Date,
                        asOf now: Date, previous: HealingVerdict?, plans: any PlanStore,
                        settings: PlannerSettings) async throws -> HealingMeasurement {
        let window = TimeInterval(settings.outcomeWindowDays) * 86_400
        let sessions = try await plans.scoredSessions(since: deployed - window, until: now)
        let until = min(now, (sessions.map(\.start).max() ?? deployed).addingTimeInterval(1))
        let meter = HealingMeter(windowDays: settings.outcomeWindowDays, healedDays: settings.healedDays)
        return meter.measure(
            sessions: sessions, matcher: PatternMatcher(main: pattern.main, variants: pattern.variants), route: pattern.route,
            deployedAt: deployed, now: until, previous: previous)
    }

    /// A merge from the GitHub API (a pull request on GitHub) or from libgit2 (a branch on a local remote).
    func learnMerge(_ life: FixLife) async throws -> PullRequestMerge? {
        if let url = life.pullRequest, let pull = GitHubPullRequestURL(url) {
            guard let github else { return nil }
            let answer = try await github.pullRequest(pull.owner, pull.name, number: pull.number)
            guard let at = answer.mergedAt.flatMap({ ISO8601DateFormatter().date(from: $0) }) else { return nil }
            return PullRequestMerge(pullRequest: url, commit: answer.mergeCommitSha, mergedAt: at, source: .api)
        }
        guard life.pullRequest == nil, let branch = life.branch, let repository = life.repository, let key = life.mergeKey,
              let remote = try? RepositoryReference(parsing: repository), remote.transport == .local else { return nil }
        guard let merge = try await GitMergeCheck.merge(of: branch, in: remote.path) else { return nil }
        return PullRequestMerge(pullRequest: key, commit: merge.commit, mergedAt: merge.mergedAt, source: .git)
    }

    /// Comments the verdict on the pull request and the ticket; reopens a GitHub ticket when the verdict says so.
    /// - Returns: whether the ticket was reopened.
    private func announce(_ life: FixLife, signature: String) async throws -> Bool {
        guard let measurement = life.measurement else { return false }
        let merged = life.merge.map { !life.deployStated && abs($0.mergedAt.timeIntervalSince(measurement.deployedAt)) < 1 } ?? false
        let text = try prompts.render(HealingVerdictComment(measurement, signature: signature, merged: merged)).text
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if let url = life.pullRequest, let pull = GitHubPullRequestURL(url), let github {
            try await GitHubCodeHost(client: github).comment(owner: pull.owner, name: pull.name, issue: pull.number, body: text)
        }
        let reopens = measurement.verdict.reopens
        if life.ticket.hasPrefix("local:"), let id = Int(life.ticket.dropFirst(6)) {
            try await store.commentOnLocalTicket(id: id, text)
            return reopens
        }
        if let issue = GitHubIssueReference(life.ticket), let github {
            try await GitHubCodeHost(client: github).comment(owner: issue.owner, name: issue.name, issue: issue.number, body: text)
            if reopens { try await github.setIssueState(issue.owner, issue.name, issue: issue.number, state: "open") }
            return reopens
        }
        if life.ticket.hasPrefix("linear:"), let linear {
            let issue = try await linear.issue(String(life.ticket.dropFirst(7)))
            try await linear.createComment(issueID: issue.id, body: text)
            // Reopened: moved to the team's first unstarted (else started) workflow state.
            if reopens { try await linear.reopen(issue) }
            return reopens
        }
        return false
    }

    static func describe(_ error: any Error) -> String {
        (error as? any FixloopError).map(\.message) ?? String(describing: error)
    }
}

/// `https://github.com/OWNER/NAME/pull/N` (any host).
struct GitHubPullRequestURL {
    var owner: String, name: String, number: Int

    init?(_ url: String) {
        let parts = (URL(string: url)?.path ?? "").split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[parts.count - 2] == "pull", let number = Int(parts[parts.count - 1]) else { return nil }
        (owner, name, self.number) = (parts[parts.count - 4], parts[parts.count - 3], number)
    }
}

/// `gh:OWNER/NAME#N`.
struct GitHubIssueReference {
    var owner: String, name: String, number: Int

    init?(_ reference: String) {
        guard reference.hasPrefix("gh:") else { return nil }
        let rest = reference.dropFirst(3).split(separator: "#")
        let repository = rest.first?.split(separator: "/") ?? []
        guard rest.count == 2, repository.count == 2, let number = Int(rest[1]) else { return nil }
        (owner, name, self.number) = (String(repository[0]), String(repository[1]), number)
    }
}
