import FixloopReport
import FixloopStore
import Foundation

extension ReviewBuilder {
    /// Each fix deployed before `end`, newest deploy first, with the healing loop's last measurement from the store
    /// (`fixloop outcomes` and `fixloop plan` measure; the review only reads, so it says nothing on any ticket).
    func outcomes(end: Date) async throws -> [WeeklyReview.Outcome] {
        let lives = try await SQLiteHealingStore(database: database).lives()
        return lives.compactMap { life -> WeeklyReview.Outcome? in
            guard let deployed = life.deployedAt, deployed < end else { return nil }
            var outcome = WeeklyReview.Outcome(ticket: life.ticket, title: life.title, deployedAt: deployed, mergedAt: life.merge?.mergedAt,
                                               pullRequest: life.pullRequest, branch: life.branch)
            outcome.ticketURL = links.ticketURL(life.ticket)
            if let m = life.measurement {
                outcome.route = m.route
                outcome.windowDays = m.windowDays
                outcome.matchingBefore = m.before.matching
                outcome.matchingAfter = m.after.matching
                outcome.npsBefore = m.before.routeNPS
                outcome.npsAfter = m.after.routeNPS
                outcome.verdict = m.verdict.rawValue
                outcome.reason = m.reason
            }
            return outcome
        }.sorted { ($0.deployedAt, $0.ticket) > ($1.deployedAt, $1.ticket) }
    }
}
