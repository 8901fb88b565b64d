import FixloopConfig
import FixloopCore
import FixloopPlanner
import FixloopReport
import FixloopScorer
import FixloopStore
import Foundation

/// Gathers the week's review from the store: scores, the planner's patterns and decisions, the engineer's runs (with
/// their `runs/<id>/report.json`), and the ledger's spend by layer, all from the configured store (``StoreBackend``:
/// PostgreSQL with `[store] url`, else the SQLite file).
struct ReviewBuilder: Sendable {
    /// The stores: scores (``StoreBackend/scorer``), plans, runs, spend, outcomes and pull-request states.
    let backend: StoreBackend
    let state: StateDirectory
    var product = ""
    /// How many of the lowest-scored sessions to list.
    var worst = 5
    /// Replay links for session ids and tracker links for tickets.
    var links = SessionLinks.none
    /// Where pull requests' states come from (GitHub, cached in the store); nil leaves them out.
    var pullRequests: PullRequestStateCache?
    /// How many ISO weeks the weekly chart shows, the period's last week included.
    var chartWeeks = 10
    /// The healing loop's windows, for measuring a fix as of an older period's end.
    var plannerSettings = PlannerSettings()

    init(backend: StoreBackend, state: StateDirectory) {
        self.backend = backend
        self.state = state
    }

    /// A builder reading everything from one SQLite file.
    init(database: FixloopDatabase, state: StateDirectory) {
        self.init(backend: .sqlite(database), state: state)
    }

    /// The builder a command uses: the product's name (`[product] name`, else the product context's first heading),
    /// replay and tracker links from `[posthog]` and the GitHub server, and pull-request states read through GitHub.
    /// - Parameters:
    ///   - productContext: the product context file, when `[product] name` is not set.
    ///   - backend: the context's stores (``StoreBackend/open(_:)``).
    init(context: CommandContext, productContext: String?, backend: StoreBackend) throws {
        self.init(backend: backend, state: context.state)
        product = try context.configuration.product.name
            ?? productContext.map { try ProductContext(contentsOf: URL(fileURLWithPath: $0)).name } ?? ""
        plannerSettings = context.configuration.planner
        links = context.configuration.sessionLinks(githubWeb: GitHubWeb.serverURL(context.environment).absoluteString)
        pullRequests = PullRequestStateCache(store: backend.pullRequestStates,
                                             source: GitHubPullRequestStates(client: GitHubWiring.client(context)))
    }

    /// The period to review: from `since` to `until` (now when nil); without `since`, the ISO week (Monday to Monday,
    /// UTC) that holds `until`, or — with neither — the newest graded session (so a review of an older export shows
    /// its own week), or now when nothing is graded.
    func period(since: Date?, until: Date?, now: Date) async throws -> (start: Date, end: Date) {
        if let since { return (since, until ?? now) }
        if let until { return (until.addingTimeInterval(-7 * 86_400), until) }
        let newest = try await backend.scorer.archive.newestSessionStart() ?? now
        let week = ISOWeek(containing: newest)
        return (week.start, week.end)
    }

    /// The review of `start..<end`, compared with the period as long just before it (the previous ISO week for a week).
    func build(start: Date, end: Date, now: Date = Date()) async throws -> WeeklyReview {
        var review = try await buildAlone(start: start, end: end, now: now)
        let previousStart = start.addingTimeInterval(-end.timeIntervalSince(start))
        var before = self
        before.pullRequests = nil
        let previous = try await before.buildAlone(start: previousStart, end: start, now: now)
        review.previous = previous.totals
        try await compare(&review, start: start, end: end, previousStart: previousStart)
        review.weeks = try await weeks(endingWith: review, end: end)
        review.outcomes = try await outcomes(end: end)
        try await addPullRequestStates(&review, now: now)
        return review
    }

    /// The review of one period, without comparison, trend or pull-request states.
    func buildAlone(start: Date, end: Date, now: Date) async throws -> WeeklyReview {
        let scores = try await backend.scorer.archive.scores(since: start).filter { $0.start < end }
        let summary = ScoreSummary(scores: scores, worst: worst)
        var distribution = Array(repeating: 0, count: 11)
        for score in scores { distribution[max(0, min(10, score.score))] += 1 }
        let point = { (bucket: ImpliedNPS.Bucket) in
            WeeklyReview.NPSPoint(label: bucket.label, nps: bucket.nps, sessions: bucket.count, promoters: bucket.promoters,
                                  passives: bucket.passives, detractors: bucket.detractors)
        }
        let fixes = try await self.fixes(from: start, to: end)
        var review = WeeklyReview(
            product: product.isEmpty ? "Your product" : product, periodStart: start, periodEnd: end, generatedAt: now,
            overall: point(summary.overall), days: summary.days.map(point), distribution: distribution,
            worstSessions: summary.worst.map { .init(sessionID: $0.sessionID, score: $0.score, blurb: $0.blurb, replayURL: links.replayURL(sessionID: $0.sessionID)) },
            patterns: try await patterns(start: start, end: end, scores: scores),
            fixes: fixes.filter { $0.outcome != RunStatus.error.rawValue },
            spend: try await spend(from: start, to: end))
        review.errors = fixes.filter { $0.outcome == RunStatus.error.rawValue }
        review.lowConfidence = scores.filter { $0.modelGrade == nil && $0.rubric.isUnsure }.count
        review.partialUntil = end > now ? now : nil
        if try await backend.plans.plans(overlapping: start, end).isEmpty {
            review.plannerHint = "fixloop plan --since \(Self.isoDay(start)) --until \(Self.isoDay(end))"
        }
        return review
    }

    static func isoDay(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    /// The patterns of every plan that covers part of the period (none until the planner has run), each with the
    /// newest plan's decision, its reason and the ticket it got; ignored ones last.
    func patterns(start: Date, end: Date, scores: [SessionScore]) async throws -> [WeeklyReview.Pattern] {
        let newest = try await patternsByFingerprint(start: start, end: end)
        let rank = ["ticket": 0, "flag": 1, "ignore": 2]
        return newest.values.sorted {
            (rank[$0.decision] ?? 3, -$0.sessions, $0.name) < (rank[$1.decision] ?? 3, -$1.sessions, $1.name)
        }
    }

    /// The patterns of every plan overlapping `start..<end`, keyed by fingerprint, each as its newest plan saw it.
    func patternsByFingerprint(start: Date, end: Date) async throws -> [String: WeeklyReview.Pattern] {
        var newest: [String: WeeklyReview.Pattern] = [:]
        for plan in try await backend.plans.plans(overlapping: start, end) {
            for pattern in plan.patterns {
                let decision = plan.decisions.first { $0.fingerprint == pattern.fingerprint }
                let ticket = plan.tickets.first { $0.fingerprint == pattern.fingerprint }
                newest[pattern.fingerprint] = WeeklyReview.Pattern(
                    name: pattern.name, kind: pattern.classification.rawValue.replacingOccurrences(of: "_", with: " "),
                    decision: decision?.action.rawValue ?? "ignore", reason: decision?.reason ?? "",
                    sessions: pattern.stats.sessions, users: pattern.stats.users, meanScore: pattern.stats.meanScore,
                    baselineScore: pattern.stats.baselineMeanScore,
                    ticket: ticket?.url ?? ticket?.reference ?? newest[pattern.fingerprint]?.ticket,
                    suspects: pattern.suspectedCode.map(\.text),
                    examples: pattern.stats.examples.map {
                        .init(sessionID: $0.sessionID, score: $0.score, blurb: $0.blurb, replayURL: links.replayURL(sessionID: $0.sessionID))
                    })
                let ticketURL = newest[pattern.fingerprint]?.ticket.flatMap(links.ticketURL)
                newest[pattern.fingerprint]?.ticketURL = ticketURL
            }
        }
        return newest
    }

    /// Each ticket's last engineer run started in the period, newest first, with what its report says and the rounds
    /// on its pull request. Rounds are runs of the ticket too, but never its fix: they are listed under it.
    func fixes(from start: Date, to end: Date) async throws -> [WeeklyReview.Fix] {
        var seen = Set<String>()
        let last = try await backend.runs.runs(from: start, to: end).filter { $0.kind == .fix && seen.insert($0.ticket).inserted }
        var fixes: [WeeklyReview.Fix] = []
        for run in last {
            var fix = WeeklyReview.Fix(runID: run.id, ticket: run.ticket, outcome: run.status.rawValue, reason: run.reason ?? "",
                                       branch: run.branch, pullRequest: run.prURL)
            fix.ticketURL = links.ticketURL(run.ticket)
            let reportURL = state.runs.appendingPathComponent(run.id).appendingPathComponent("report.json")
            if let data = FileManager.default.contents(atPath: reportURL.path),
               let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                fix.outcome = (report["outcome"] as? String).map { $0.replacingOccurrences(of: "_", with: " ") } ?? fix.outcome
                fix.reason = report["reason"] as? String ?? fix.reason
                fix.rootCause = report["root_cause"] as? String ?? ""
                fix.diff = report["diff"] as? String ?? ""
                fix.costUSD = report["cost"] as? Double ?? 0
                fix.branch = fix.branch ?? report["branch"] as? String
                fix.pullRequest = fix.pullRequest ?? report["pr_url"] as? String
                if let verification = report["verification"] as? [String: Any] {
                    fix.failToPass = ((verification["fail_to_pass"] as? [String: Any]) ?? [:]).keys.sorted()
                    fix.passToPass = ((verification["pass_to_pass"] as? [String: Any]) ?? [:]).keys.sorted()
                }
            }
            fix.rounds = try await rounds(of: run, before: end)
            fixes.append(fix)
        }
        return fixes
    }

    /// The ledger in `start..<end`, by layer: `score-…` runs are the scorer's, `plan-…` the planner's, `run-…` the
    /// engineer's (its runs carry tickets), anything else (`models check`) is "other".
    func spend(from start: Date, to end: Date) async throws -> [WeeklyReview.Spend] {
        let lines = try await backend.ledger.summary(since: start, until: end, by: .run)
        var layers: [String: WeeklyReview.Spend] = [:]
        for line in lines {
            let layer = Self.layer(ofRun: line.key)
            var total = layers[layer] ?? WeeklyReview.Spend(layer: layer, calls: 0, tokens: 0, costUSD: 0)
            total.calls += line.calls
            total.tokens += line.usage.inputTokens + line.usage.outputTokens
            total.costUSD += line.costUSD
            layers[layer] = total
        }
        let order = ["scorer", "planner", "engineer", "other"]
        return layers.values.sorted { (order.firstIndex(of: $0.layer) ?? 9) < (order.firstIndex(of: $1.layer) ?? 9) }
    }

    static func layer(ofRun run: String) -> String {
        if run.hasPrefix("score-") { return "scorer" }
        if run.hasPrefix("plan-") { return "planner" }
        if run.hasPrefix("run-") || run.hasPrefix("job-") { return "engineer" }
        return "other"
    }
}

/// The review page `fixloop serve` shows at `/`: built from the store on each request, so it is as fresh as the
/// last `score`, `plan` or `fix`.
struct ReviewPage: Sendable {
    let builder: ReviewBuilder
    /// The product context file, for the product's name.
    let productContext: String?

    /// The page, or nil when no session has been graded yet.
    func page(now: Date = Date()) async -> String? {
        var builder = self.builder
        if builder.product.isEmpty {
            builder.product = productContext.flatMap { try? ProductContext(contentsOf: URL(fileURLWithPath: $0)).name } ?? ""
        }
        guard (try? await builder.backend.scorer.archive.newestSessionStart()) != nil,
              let period = try? await builder.period(since: nil, until: nil, now: now),
              let review = try? await builder.build(start: period.start, end: period.end, now: now) else { return nil }
        return ReviewHTML.render(review)
    }
}
