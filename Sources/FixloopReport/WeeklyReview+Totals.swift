import Foundation

extension WeeklyReview {
    /// The figures on the page's cards, so two periods can be compared card by card.
    public struct Totals: Sendable, Hashable, Codable {
        public var sessions: Int
        public var nps: Double
        public var patterns: Int
        public var tickets: Int
        public var flags: Int
        /// Tickets whose last run fixed them, out of ``fixes``.
        public var fixed: Int
        public var fixes: Int
        public var spendUSD: Double

        public init(sessions: Int, nps: Double, patterns: Int, tickets: Int, flags: Int, fixed: Int, fixes: Int, spendUSD: Double) {
            self.sessions = sessions
            self.nps = nps
            self.patterns = patterns
            self.tickets = tickets
            self.flags = flags
            self.fixed = fixed
            self.fixes = fixes
            self.spendUSD = spendUSD
        }
    }

    /// This review's card figures.
    public var totals: Totals {
        Totals(
            sessions: overall.sessions, nps: overall.nps, patterns: patterns.count,
            tickets: patterns.filter { $0.decision == "ticket" }.count, flags: patterns.filter { $0.decision == "flag" }.count,
            fixed: fixes.filter { $0.outcome == "fixed" }.count, fixes: fixes.count, spendUSD: spend.reduce(0) { $0 + $1.costUSD })
    }

    /// Whether most scores are the rubric's low-confidence guesses, so the figures deserve a caveat.
    public var mostlyLowConfidence: Bool { overall.sessions > 0 && lowConfidence * 2 > overall.sessions }
}
