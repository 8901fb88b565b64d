@testable import FixloopEngineer
import FixloopFixService
import Testing

/// A run's cost as `fixloop fix` prints it: dollars when the model is priced, "unpriced" — never $0 — when not.
struct FixOutcomeCostTests {
    @Test func anUnpricedRunPrintsUnpricedNeverZeroDollars() {
        var outcome = FixOutcome(engineer: EngineerReport.ended(.notFixed, "x", triage: nil), runID: "run-1", ticket: "t", trajectory: "")
        outcome.costPriced = false
        #expect(outcome.humanSummary.contains("cost unpriced") && !outcome.humanSummary.contains("$0.0000"), "\(outcome.humanSummary)")
        outcome.costPriced = true
        #expect(outcome.humanSummary.contains("cost $0.0000"))
    }
}
