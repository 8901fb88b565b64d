import FixloopCore
import FixloopEngineer
import FixloopGitHub
import Foundation

/// One revision round on one of Fixloop's pull requests, as a plain value: what `fixloop revise` and a PR-bot
/// revision job hand ``FixService/revise(_:observer:)``.
public struct RevisionRequest: Sendable {
    public var pullRequest: PullRequestReference
    /// What the round is recorded as: a review round (`revision`, also `fixloop revise`), or a CI round (`ci`).
    public var kind: RunKind = .revision
    /// The PR bot's job running the round (recorded on its run); nil from `fixloop revise`.
    public var jobID: Int64?
    /// Free instructions from a person with write access (`--instructions`, `/fixloop <text>`).
    public var instructions: String?
    /// A CI round's failing commands, rerun in the sandbox at the head before the edit loop when it can run them.
    public var ciCommands: [String] = []
    /// The review comments to answer; nil: every comment on the pull request no earlier round answered.
    public var comments: [ReviewComment]?
    public var model: ModelSpec
    public var limits = FixRequest.Limits()
    /// The repository to clone (URL or local path); nil: the ticket's, else `https://github.com/OWNER/NAME.git`.
    public var repository: String?
    /// The test and setup commands and extra read-only paths, over the repository's `.fixloop.toml` and detection.
    public var overrides = RepositorySettings.Overrides()
    /// The edit format: tool calls, or SEARCH/REPLACE blocks only.
    public var usesTools = true
    public var credentials = FixRequest.Credentials()
    /// Every model request and reply also goes to this file (JSON lines, secrets redacted).
    public var record: URL?

    public init(pullRequest: PullRequestReference, model: ModelSpec) {
        self.pullRequest = pullRequest
        self.model = model
    }
}

/// Where a revision round reads its pull request: branches, ticket, the review comments not yet answered.
public protocol PullRequestSource: Sendable {
    /// - Throws: when the pull request is not one of Fixloop's (`fixloop/` head, a ticket in its body), or the API fails.
    func revision(_ pullRequest: PullRequestReference, credentials: FixRequest.Credentials) async throws -> PullRequestRevision
}

extension TicketSources: PullRequestSource {
    public func revision(_ pullRequest: PullRequestReference, credentials: FixRequest.Credentials) async throws -> PullRequestRevision {
        try await GitHubRevisionSource(client: GitHubClient(baseURL: githubAPI, token: credentials.github))
            .revision(owner: pullRequest.owner, name: pullRequest.name, number: pullRequest.number)
    }
}
