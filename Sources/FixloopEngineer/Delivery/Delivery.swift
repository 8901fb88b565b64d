import FixloopCore
import FixloopGit
import FixloopPrompts
import Foundation

/// Commits the chosen candidate on Fixloop's branch, pushes it, and opens (or updates) the draft pull request on
/// the ``CodeHost``; in ``DeliveryMode/patchOnly`` only writes the patch next to the run.
public struct Delivery: Sendable {
    public let codeHost: any CodeHost
    public let author: GitSignature
    public let prompts: PromptLibrary
    public let trajectory: Trajectory

    public init(codeHost: any CodeHost, author: GitSignature, prompts: PromptLibrary, trajectory: Trajectory) {
        self.codeHost = codeHost
        self.author = author
        self.prompts = prompts
        self.trajectory = trajectory
    }

    /// Where and what to deliver.
    public struct Target: Sendable {
        public var ticket: Ticket
        public var reference: TicketReference
        public var remote: RepositoryReference
        /// The ticket's branch, as first given (``RunStore/branch(ticket:repository:proposed:)``).
        public var branch: String
        public var baseCommit: String
        public var testCommand: String
        public var credentials: GitCredentials
        public var runID: String
        /// Where `fix.patch` is written.
        public var runDirectory: URL
        public var costUSD: Double
        /// False when the model has no price: the body says "unpriced" instead of a dollar figure.
        public var costPriced: Bool
        /// The model that made the change, named in the body.
        public var model: ModelSpec?
        /// The login of the person who asked for the fix: asked to review the pull request and named as the
        /// commit's co-author (nil: nobody in particular, as with `fixloop fix`).
        public var requester: String?

        public init(ticket: Ticket, reference: TicketReference, remote: RepositoryReference, branch: String, baseCommit: String,
                    testCommand: String, credentials: GitCredentials, runID: String, runDirectory: URL, costUSD: Double,
                    costPriced: Bool = true, model: ModelSpec? = nil, requester: String? = nil) {
            self.ticket = ticket
            self.requester = requester
            self.reference = reference
            self.remote = remote
            self.branch = branch
            self.baseCommit = baseCommit
            self.testCommand = testCommand
            self.credentials = credentials
            self.runID = runID
            self.runDirectory = runDirectory
            self.costUSD = costUSD
            self.costPriced = costPriced
            self.model = model
        }
    }

    /// What was delivered.
    public struct Delivered: Sendable, Equatable {
        public var patchFile: String
        public var branch: String?
        public var pullRequest: PullRequestInfo?
    }

    /// Delivers `candidate` as `mode` asks.
    /// - Throws: ``EngineerError`` when no repository can take the pull request; git and code-host errors as they come.
    public func deliver(_ candidate: Engineer.Candidate, report: EngineerReport, to target: Target, mode: DeliveryMode) async throws -> Delivered {
        let patchFile = target.runDirectory.appendingPathComponent("fix.patch")
        try candidate.diff.patch.write(to: patchFile, atomically: true, encoding: .utf8)
        var delivered = Delivered(patchFile: patchFile.path)
        guard mode != .patchOnly else {
            await trajectory.record(.deliver, "local", patchFile.path)
            return delivered
        }
        let git = GitWorkingCopy(directory: candidate.directory)
        try await git.createBranch(target.branch, checkout: true, force: true)
        let partner = await coAuthor(target.requester)
        let message = "Fix: \(target.ticket.title)\n\n\(candidate.rootCause)\n\n\(candidate.summary)\n\n"
            + "Fixloop-Ticket: \(target.reference)\nFixloop-Run: \(target.runID)\n" + (partner.map { "\($0.coAuthorTrailer)\n" } ?? "")
        let commit = try await git.commitAll(message: message, author: author)
        try await git.push(branch: target.branch, credentials: target.credentials, force: true)
        delivered.branch = target.branch
        await trajectory.record(.deliver, "pushed", "\(target.branch) at \(commit) to \(target.remote)")
        guard case .pullRequest(let repository, let commentOnTicket) = mode else { return delivered }
        guard let (owner, name) = Self.pullRequestRepository(repository, remote: target.remote, reference: target.reference) else {
            throw EngineerError.noPullRequestRepository(remote: target.remote.description)
        }
        let base = try await codeHost.defaultBranch(owner: owner, name: name)
        let body = try prompts.render(PullRequestBody(report: report, target: target, repository: (owner, name))).text
        let pullRequest = try await codeHost.openOrUpdatePullRequest(PullRequestRequest(
            owner: owner, name: name, head: target.branch, base: base, title: "Fix: \(target.ticket.title)", body: body, draft: true))
        delivered.pullRequest = pullRequest
        try await codeHost.addLabels(owner: owner, name: name, issue: pullRequest.number, labels: [Self.label])
        await trajectory.record(.deliver, pullRequest.created ? "pr_opened" : "pr_updated", pullRequest.url)
        if let requester = target.requester { await requestReview(from: requester, owner: owner, name: name, pullRequest: pullRequest.number) }
        if commentOnTicket, case .github(let issueOwner, let issueName, let number) = target.reference {
            try await codeHost.comment(
                owner: issueOwner, name: issueName, issue: number,
                body: "\(TicketComment.fixloopMarker):delivered -->\nFixloop \(pullRequest.created ? "opened" : "updated") a draft pull request for this issue: \(pullRequest.url)"
                    + "\n\nRoot cause: \(candidate.rootCause)")
        }
        return delivered
    }

    /// Asks the requester to review; a refusal (they cannot review: no access, or the pull request's author) or a
    /// failure is a line in the trajectory, never a failed delivery: the pull request is open by then.
    private func requestReview(from requester: String, owner: String, name: String, pullRequest: Int) async {
        do {
            if try await codeHost.requestReview(owner: owner, name: name, pullRequest: pullRequest, reviewers: [requester]) {
                await trajectory.record(.deliver, "review_requested", requester)
            } else {
                await trajectory.record(.deliver, "review_request_skipped", "\(requester) cannot review this pull request (no access, or its author)")
            }
        } catch {
            await trajectory.record(.deliver, "review_request_skipped", "\(requester): \(error)")
        }
    }

    /// The requester's account for the commit's `Co-authored-by:` trailer; nil (and a line in the trajectory) when
    /// there is none or the forge cannot say: a missing trailer never stops a delivery.
    private func coAuthor(_ login: String?) async -> CodeHostAccount? {
        guard let login else { return nil }
        do {
            if let account = try await codeHost.account(login: login) { return account }
            await trajectory.record(.deliver, "co_author_skipped", "no account \(login)")
        } catch {
            await trajectory.record(.deliver, "co_author_skipped", "\(login): \(error)")
        }
        return nil
    }

    /// The label on every pull request Fixloop opens.
    public static let label = "fixloop"

    /// The repository that gets the pull request: `repository` (`OWNER/NAME`), else the GitHub ticket's, else the
    /// remote's owner and name; nil when none can be told.
    public static func pullRequestRepository(
        _ repository: String?, remote: RepositoryReference, reference: TicketReference
    ) -> (owner: String, name: String)? {
        if let repository {
            let parts = repository.split(separator: "/").map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        if case .github(let owner, let name, _) = reference { return (owner, name) }
        return remote.ownerAndName.map { ($0.owner, $0.name) }
    }
}
