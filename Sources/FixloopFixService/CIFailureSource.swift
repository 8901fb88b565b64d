import FixloopCore
import FixloopGitHub
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
