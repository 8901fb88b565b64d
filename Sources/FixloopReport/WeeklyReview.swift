import Foundation

/// Everything the Monday-morning page shows, gathered from the store by the CLI and rendered by ``ReviewHTML`` and
/// ``ReviewMarkdown``. Plain values, so the page can be rendered (and tested) without a store.
public struct WeeklyReview: Sendable, Hashable, Codable {
    /// The product the review is about (the product context's first heading, or the repository).
    public var product: String
    /// The period reviewed.
    public var periodStart: Date
    public var periodEnd: Date
    /// When the review was made.
    public var generatedAt: Date
    /// Implied NPS of the whole period.
    public var overall: NPSPoint
    /// Implied NPS per UTC day, oldest first.
    public var days: [NPSPoint]
    /// How many sessions got each score, 0 through 10 (always 11 entries).
    public var distribution: [Int]
    /// The lowest-scored sessions with their blurbs.
    public var worstSessions: [SessionExample]
    /// The patterns the planner found, most sessions first.
    public var patterns: [Pattern]
    /// Each ticket's last engineer run in the period that ended fixed, not fixed or not a bug, newest first: the
    /// fix rate is the fixed ones over these.
    public var fixes: [Fix]
    /// The tickets whose last run in the period was an error (a missing key, a repository that did not clone):
    /// listed apart, never counted in the fix rate.
    public var errors: [Fix] = []
    /// The command to run when the planner has not run for any part of the period, nil when it has.
    public var plannerHint: String?
    /// When the period ends after the review was made: the instant its last day is complete up to.
    public var partialUntil: Date?
    /// Model spend per layer (scorer, planner, engineer, other).
    public var spend: [Spend]
    /// The previous period's figures, built the same way (the ISO week before, or as long a stretch before
    /// `periodStart`), for the deltas on the cards; nil when not gathered.
    public var previous: Totals?
    /// Implied NPS per ISO week (`2025-W23`), oldest first, up to the period's last week: the trend the days lack.
    public var weeks: [NPSPoint] = []
    /// Sessions of the period scored by the rubric alone with low confidence (no model grade).
    public var lowConfidence = 0
    /// The patterns of the previous period that no plan of this one found: resolved, or at least quiet.
    public var resolved: [Pattern] = []
    /// The fixes deployed before the period's end with what the healing loop measured, newest deploy first.
    public var outcomes: [Outcome] = []

    public init(
        product: String, periodStart: Date, periodEnd: Date, generatedAt: Date, overall: NPSPoint, days: [NPSPoint],
        distribution: [Int], worstSessions: [SessionExample] = [], patterns: [Pattern] = [], fixes: [Fix] = [],
        spend: [Spend] = []
    ) {
        self.product = product
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.generatedAt = generatedAt
        self.overall = overall
        self.days = days
        self.distribution = distribution.count == 11 ? distribution : Array((distribution + Array(repeating: 0, count: 11)).prefix(11))
        self.worstSessions = worstSessions
        self.patterns = patterns
        self.fixes = fixes
        self.spend = spend
    }

    /// One NPS figure: a day's or the period's.
    public struct NPSPoint: Sendable, Hashable, Codable {
        /// `2025-06-02`, or `all`.
        public var label: String
        public var nps: Double
        public var sessions: Int
        public var promoters: Int
        public var passives: Int
        public var detractors: Int

        public init(label: String, nps: Double, sessions: Int, promoters: Int, passives: Int, detractors: Int) {
            self.label = label
            self.nps = nps
            self.sessions = sessions
            self.promoters = promoters
            self.passives = passives
            self.detractors = detractors
        }
    }

    /// A session shown as an example, with the score and what went wrong.
    public struct SessionExample: Sendable, Hashable, Codable {
        public var sessionID: String
        public var score: Int
        public var blurb: [String]
        /// The session's replay in the analytics tool (``FixloopCore/SessionLinks``), when configured.
        public var replayURL: String?

        public init(sessionID: String, score: Int, blurb: [String], replayURL: String? = nil) {
            self.sessionID = sessionID
            self.score = score
            self.blurb = blurb
            self.replayURL = replayURL
        }
    }

    /// A pattern of failures and what the planner decided about it.
    public struct Pattern: Sendable, Hashable, Codable {
        public var name: String
        /// bug, product flow, feature request.
        public var kind: String
        /// ticket, flag or ignore.
        public var decision: String
        /// Why the planner decided so.
        public var reason: String
        public var sessions: Int
        public var users: Int
        /// Mean implied NPS of its sessions, and of the whole period for comparison.
        public var meanScore: Double
        public var baselineScore: Double
        /// The ticket (`local:1`, a GitHub or Linear URL), when one was filed.
        public var ticket: String?
        /// Files and lines the codebase check suspects.
        public var suspects: [String]
        public var examples: [SessionExample]
        /// The ticket's page at its tracker; nil for a local ticket.
        public var ticketURL: String?
        /// `new` (no plan of the previous period found it), `recurring` (one did) or `resolved` (only the previous
        /// period had it); nil when the previous period was not looked at.
        public var status: String?

        public init(
            name: String, kind: String, decision: String, reason: String, sessions: Int, users: Int, meanScore: Double,
            baselineScore: Double, ticket: String? = nil, suspects: [String] = [], examples: [SessionExample] = []
        ) {
            self.name = name
            self.kind = kind
            self.decision = decision
            self.reason = reason
            self.sessions = sessions
            self.users = users
            self.meanScore = meanScore
            self.baselineScore = baselineScore
            self.ticket = ticket
            self.suspects = suspects
            self.examples = examples
        }
    }

    /// One engineer run: the ticket, the outcome, the change and its evidence.
    public struct Fix: Sendable, Hashable, Codable {
        public var runID: String
        public var ticket: String
        /// fixed, not fixed, not a bug, error, running, interrupted.
        public var outcome: String
        public var reason: String
        public var branch: String?
        public var pullRequest: String?
        public var rootCause: String
        public var diff: String
        /// Tests that failed before the change and pass after it.
        public var failToPass: [String]
        /// Tests that passed before and still pass.
        public var passToPass: [String]
        public var costUSD: Double
        /// The ticket's page at its tracker; nil for a local ticket.
        public var ticketURL: String?
        /// The pull request's state as GitHub last told it (`draft`, `open`, `merged`, `closed`), when it was read,
        /// and whether that read is older than this review (GitHub could not be asked now).
        public var pullRequestState: String?
        public var pullRequestStateReadAt: Date?
        public var pullRequestStateIsLastKnown = false
        /// The rounds on its pull request (review, CI, rebase) started before the period's end, oldest first.
        public var rounds: [Round] = []

        public init(
            runID: String, ticket: String, outcome: String, reason: String, branch: String? = nil,
            pullRequest: String? = nil, rootCause: String = "", diff: String = "", failToPass: [String] = [],
            passToPass: [String] = [], costUSD: Double = 0
        ) {
            self.runID = runID
            self.ticket = ticket
            self.outcome = outcome
            self.reason = reason
            self.branch = branch
            self.pullRequest = pullRequest
            self.rootCause = rootCause
            self.diff = diff
            self.failToPass = failToPass
            self.passToPass = passToPass
            self.costUSD = costUSD
        }
    }

    /// One round on a fix's pull request: a review round, a CI round or a rebase round.
    public struct Round: Sendable, Hashable, Codable {
        public var runID: String
        /// `revision` (a review round), `ci` or `rebase`.
        public var kind: String
        public var startedAt: Date
        /// What the round's report says (`revised`, `unchanged`, `rebased`, `conflict`, …), else the run's status.
        public var outcome: String
        public var costUSD: Double

        public init(runID: String, kind: String, startedAt: Date, outcome: String, costUSD: Double = 0) {
            self.runID = runID
            self.kind = kind
            self.startedAt = startedAt
            self.outcome = outcome
            self.costUSD = costUSD
        }
    }

    /// Model spend of one layer.
    public struct Spend: Sendable, Hashable, Codable {
        public var layer: String
        public var calls: Int
        public var tokens: Int
        public var costUSD: Double

        public init(layer: String, calls: Int, tokens: Int, costUSD: Double) {
            self.layer = layer
            self.calls = calls
            self.tokens = tokens
            self.costUSD = costUSD
        }
    }
}
