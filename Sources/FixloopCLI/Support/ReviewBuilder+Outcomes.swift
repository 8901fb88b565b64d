import FixloopReport
import FixloopStore
import Foundation

extension ReviewBuilder {
    /// Each fix deployed before `end`, newest deploy first, with the healing loop's last measurement from the store
    /// (`fixloop outcomes` and `fixloop plan` measure; the review only reads, so it says nothing on any ticket). A
    /// measurement that reaches past `end` (an older week's review) is measured again as of `end`, not stored.
    func outcomes(end: Date) async throws -> [WeeklyReview.Outcome] {
        let store = backend.healing
        var lives: [FixLife] = []
        for var life in try await store.lives() {
            if let deployed = life.deployedAt, deployed < end, let stored = life.measurement, stored.measuredAt > end {
                life.measurement = nil
                if let pattern = try await store.signatures(fingerprint: life.fingerprint) {
                    life.measurement = try await HealingLoop.measure(pattern: pattern, deployedAt: deployed, asOf: end, previous: nil,
                                                                     plans: backend.plans, settings: plannerSettings)
                }
            }
            lives.append(life)
        }
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
