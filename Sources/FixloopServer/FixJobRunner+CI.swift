import FixloopCore
import FixloopEngineer
import FixloopFixService
import Foundation

extension FixJobRunner {
    /// How often a CI round whose checks are still running looks again, and for how long at most.
    static let ciPoll: Duration = .seconds(30)
    static let ciWait: Duration = .seconds(30 * 60)

    /// A CI round's instructions: the pull request head's failing checks, rendered by ``CIFailurePrompt``. Waits
    /// while checks are still running (every check event of one head makes one round, so none comes later).
    /// - Returns: nil when the checks passed (a rerun fixed them): the round has nothing to do.
    func ciInstructions(_ request: RevisionRequest) async throws -> String? {
        guard let source = service.tickets as? any CIFailureSource else {
            throw FixServiceError(code: "revise.no_ci_source", message: "This Fixloop cannot read CI results; CI rounds need GitHub.")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: Self.ciWait)
        while true {
            switch try await source.ciFailures(request.pullRequest, credentials: request.credentials) {
            case .passed:
                return nil
            case .failed(let report):
                return try service.prompts.render(CIFailurePrompt(report: report)).text
            case .pending(let names):
                guard clock.now < deadline else {
                    throw FixServiceError(code: "revise.ci_pending", message: "The checks \(names.joined(separator: ", ")) of \(request.pullRequest) did not finish within \(Self.ciWait); no CI round ran.")
                }
                try await Task.sleep(for: Self.ciPoll)
            }
        }
    }
}
