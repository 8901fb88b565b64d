import Foundation

/// What the week's Slack message says, as plain values: the CLI fills it from the review it just wrote.
public struct ReviewDigest: Sendable, Equatable {
    /// One failure pattern of the period.
    public struct Pattern: Sendable, Equatable {
        public var name: String
        public var sessions: Int
        /// `ticket`, `flag` or `ignore`.
        public var decision: String

        public init(name: String, sessions: Int, decision: String) {
            self.name = name
            self.sessions = sessions
            self.decision = decision
        }
    }

    /// The product's name; empty when unknown.
    public var product: String
    /// `2025-W23`, or `2025-06-02 – 2025-06-08`.
    public var period: String
    public var nps: Double
    /// The previous period's NPS, for the delta; nil when there is none.
    public var previousNPS: Double?
    public var sessions: Int
    /// Most sessions first.
    public var patterns: [Pattern]
    /// Tickets whose last run in the period ended fixed, of those that ended fixed, not fixed or not a bug.
    public var ticketsFixed: Int
    public var ticketsTried: Int
    /// Tickets whose last run was an error (not in the fix rate).
    public var ticketErrors: Int
    public var spendUSD: Double
    /// Where the review page is published (`[report] url`); nil: the message names the file only.
    public var reviewURL: String?
    /// The review file on the machine that wrote it.
    public var reviewFile: String
    /// The period has not ended yet.
    public var partial: Bool

    public init(
        product: String, period: String, nps: Double, previousNPS: Double? = nil, sessions: Int, patterns: [Pattern],
        ticketsFixed: Int, ticketsTried: Int, ticketErrors: Int = 0, spendUSD: Double, reviewURL: String?, reviewFile: String,
        partial: Bool = false
    ) {
        self.product = product
        self.period = period
        self.nps = nps
        self.previousNPS = previousNPS
        self.sessions = sessions
        self.patterns = patterns
        self.ticketsFixed = ticketsFixed
        self.ticketsTried = ticketsTried
        self.ticketErrors = ticketErrors
        self.spendUSD = spendUSD
        self.reviewURL = reviewURL
        self.reviewFile = reviewFile
        self.partial = partial
    }
}
