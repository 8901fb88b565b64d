import FixloopCore
import FixloopGitHub
import Foundation

/// What a CI delivery asks: nothing, or a CI round with the key that makes every delivery of one head commit one round.
enum CIRoundDecision: Sendable, Equatable {
    case ignore(String)
    case round(JobRequest, key: String)
}

extension TriggerDecision {
    /// A CI round on one of Fixloop's pull requests: a `check_run` or `check_suite` completed with a failure, or a
    /// failed `workflow_run`, on a `fixloop/…` branch that GitHub matched to a pull request. The key names the
    /// pull request and the head commit only, so the several check events of one commit make one round. Whether the
    /// pull request is Fixloop's (its body names the ticket) is checked when the round reads it.
    /// - Returns: nil for any other event.
    static func ciRound(event: String, body: Data, settings: TriggerSettings) -> CIRoundDecision? {
        let decoded: GitHubCIEvent?
        do {
            decoded = try GitHubCIEvent.decode(event: event, body: body)
        } catch {
            return .ignore("a \(event) delivery Fixloop cannot read")
        }
        guard let ci = decoded else { return nil }
        guard ci.isCompletedFailure else { return .ignore("\(event).\(ci.action) \(ci.conclusion ?? ci.status ?? "-"): not a completed failure") }
        guard let branch = ci.headBranch, branch.hasPrefix("fixloop/") else {
            return .ignore("CI on \(ci.headBranch ?? "an unnamed branch"), not one of Fixloop's branches")
        }
        guard let number = ci.pullRequests.first else { return .ignore("CI on \(branch) matched no pull request") }
        let ticket = "gh:\(ci.repository)#\(number)"
        var request = JobRequest(ticket: ticket, repository: ci.repository,
                                 trigger: "CI failed (\(ci.name ?? event)) on \(ci.headSHA.prefix(12))", installationID: ci.installation,
                                 maxAttempts: settings.maxAttempts, rerunsFinished: true)
        request.kind = .ci
        request.maxRounds = settings.maxRounds
        return .round(request, key: "github ci \(ticket) head=\(ci.headSHA)")
    }
}
