import FixloopCore
import FixloopGit
import FixloopPrompts
import Foundation

extension Delivery {
    /// How a round's push went.
    public enum RoundPush: Sendable, Equatable {
        /// The new commit, on top of the branch.
        case pushed(commit: String)
        /// The remote branch is no longer where the round started (someone else pushed); nothing was written.
        case branchMoved(String)
    }

    /// Commits a round's change on top of the pull request's branch and pushes it as a fast-forward — never a force
    /// push, so commits Fixloop did not write are never replaced.
    /// - Parameters:
    ///   - change: the round's candidate, a checkout at the branch's head with the change in its working tree.
    ///   - target: the pull request's branch (``Target/branch``) and the run.
    ///   - pullRequest: named in the commit message.
    /// - Throws: git errors other than the rejected fast-forward.
    public func pushRound(_ change: Engineer.Candidate, to target: Target, pullRequest: PullRequestReference) async throws -> RoundPush {
        let patchFile = target.runDirectory.appendingPathComponent("round.patch")
        try change.diff.patch.write(to: patchFile, atomically: true, encoding: .utf8)
        let git = GitWorkingCopy(directory: change.directory)
        try await git.createBranch(target.branch, checkout: true, force: true)
        let title = change.summary.split(whereSeparator: \.isNewline).first.map { String($0.prefix(60)) } ?? "review comments"
        let message = "Revise: \(title)\n\n\(change.summary)\n\n"
            + "Fixloop-Ticket: \(target.reference)\nFixloop-Pull-Request: \(pullRequest)\nFixloop-Run: \(target.runID)\n"
        let commit = try await git.commitAll(message: message, author: author)
        do {
            try await git.push(branch: target.branch, credentials: target.credentials, force: false)
        } catch let error as GitError where error.kind == .pushRejected {
            await trajectory.record(.deliver, "branch_moved", error.message)
            return .branchMoved("the branch \(target.branch) moved while the round ran (a commit Fixloop did not write); nothing was pushed, and Fixloop never force-pushes over it")
        }
        await trajectory.record(.deliver, "pushed", "\(target.branch) at \(commit) (on top of the pull request) to \(target.remote)")
        return .pushed(commit: commit)
    }

    /// Rewrites the pull request's body with the round's evidence (the whole pull request's change, tests and cost).
    public func updateBody(report: EngineerReport, target: Target, pullRequest: PullRequestReference, base: String) async throws {
        let body = try prompts.render(PullRequestBody(report: report, target: target, repository: (pullRequest.owner, pullRequest.name))).text
        let updated = try await codeHost.openOrUpdatePullRequest(PullRequestRequest(
            owner: pullRequest.owner, name: pullRequest.name, head: target.branch, base: base, title: "Fix: \(target.ticket.title)", body: body, draft: true))
        await trajectory.record(.deliver, "pr_updated", updated.url)
    }

    /// Posts the round's one reply. - Returns: its id.
    public func reply(_ reply: RevisionReply, on pullRequest: PullRequestReference) async throws -> Int {
        let id = try await codeHost.comment(owner: pullRequest.owner, name: pullRequest.name, issue: pullRequest.number,
                                            body: try prompts.render(reply).text)
        await trajectory.record(.deliver, "replied", "comment \(id) on \(pullRequest)")
        return id
    }
}
