import FixloopCore
import FixloopEngineer
import FixloopGitHub
import FixloopPrompts
import Foundation

/// Where a CI round reads why its pull request's CI failed: the checks of the pull request's current head.
public protocol CIFailureSource: Sendable {
    /// The checks on the head commit of `pullRequest`, with the failing ones' output, annotations and log tails.
    func ciFailures(_ pullRequest: PullRequestReference, credentials: FixRequest.Credentials) async throws -> CIFailureLookup
}

extension TicketSources: CIFailureSource {
    public func ciFailures(_ pullRequest: PullRequestReference, credentials: FixRequest.Credentials) async throws -> CIFailureLookup {
        let client = GitHubClient(baseURL: githubAPI, token: credentials.github)
        guard let head = try await client.pullRequest(pullRequest.owner, pullRequest.name, number: pullRequest.number).head.sha else {
            throw FixServiceError(code: "revise.no_head", message: "GitHub reports no head commit for \(pullRequest); its CI cannot be read.")
        }
        return try await GitHubCIFailures(client: client).lookup(owner: pullRequest.owner, name: pullRequest.name, headSHA: head)
    }
}

extension FixService {
    /// A CI round's instructions: the failing checks of the pull request's head, rendered by ``CIFailurePrompt``.
    /// While checks still run it looks again every `poll`, for at most `wait` (every check event of one head commit
    /// makes one round, so no later event asks again).
    /// - Returns: nil when the checks pass (a rerun fixed them): the round has nothing to do.
    /// - Throws: ``FixServiceError`` `revise.ci_pending` when checks are still running after `wait`, and the API's errors.
    public func ciInstructions(
        _ request: RevisionRequest, poll: Duration = .seconds(30), wait: Duration = .seconds(30 * 60)
    ) async throws -> String? {
        guard let source = tickets as? any CIFailureSource else {
            throw FixServiceError(code: "revise.no_ci_source", message: "This Fixloop cannot read CI results; CI rounds need GitHub (GITHUB_TOKEN or the GitHub App).")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: wait)
        while true {
            switch try await source.ciFailures(request.pullRequest, credentials: request.credentials) {
            case .passed:
                return nil
            case .failed(let report):
                return try prompts.render(CIFailurePrompt(report: report)).text
            case .pending(let names):
                guard clock.now < deadline else {
                    throw FixServiceError(code: "revise.ci_pending", message: "The checks \(names.joined(separator: ", ")) of \(request.pullRequest) were still running after \(wait); no CI round ran. A new push or a rerun asks again.")
                }
                try await Task.sleep(for: poll)
            }
        }
    }
}
