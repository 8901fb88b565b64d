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

/// What a CI round finds when it looks at its pull request's checks.
public enum CIRoundTask: Sendable, Equatable {
    /// No check fails (a rerun fixed them): nothing to do.
    case passed
    /// These checks still run: look again later.
    case pending([String])
    /// The failing checks, and the engineer's instructions rendered from them by ``CIFailurePrompt``.
    case failed(CIFailureReport, instructions: String)
}

extension FixService {
    /// One look at the checks of the pull request's head, for a CI round. It does not wait for running checks: the
    /// PR bot puts the round back in the queue for a later look (`Job.notBefore`), holding no worker meanwhile.
    /// - Throws: ``FixServiceError`` `revise.no_ci_source` without GitHub, and the API's errors.
    public func ciTask(_ request: RevisionRequest) async throws -> CIRoundTask {
        guard let source = tickets as? any CIFailureSource else {
            throw FixServiceError(code: "revise.no_ci_source", message: "This Fixloop cannot read CI results; CI rounds need GitHub (GITHUB_TOKEN or the GitHub App).")
        }
        switch try await source.ciFailures(request.pullRequest, credentials: request.credentials) {
        case .passed: return .passed
        case .pending(let names): return .pending(names)
        case .failed(let report): return .failed(report, instructions: try prompts.render(CIFailurePrompt(report: report)).text)
        }
    }
}
