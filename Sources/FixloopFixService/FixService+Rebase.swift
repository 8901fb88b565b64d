import FixloopCore
import FixloopEngineer
import FixloopGit
import FixloopGitHub
import FixloopSandbox
import Foundation

/// What a rebase round did.
public struct RebaseRoundOutcome: Sendable, Equatable, Codable {
    public enum Result: String, Sendable, Codable {
        /// The branch already contains its base.
        case current
        /// Behind, but by no more than `[serve] max_behind` and without a conflict: left as it is.
        case withinLimit
        /// Rebased, re-verified and pushed with a lease.
        case rebased
        /// Replaying met conflicts; the branch is untouched and the pull request says which files.
        case conflict
        /// A commit on the branch is not Fixloop's; the branch is untouched and the pull request says so.
        case refused
        /// The rebased tree failed its re-verification; nothing pushed.
        case notVerified
        /// The remote branch moved after the fetch; nothing pushed.
        case leaseLost
    }

    public var result: Result
    public var detail: String
    /// Commits on the base the branch lacked.
    public var behind: Int
    /// The pushed head when rebased.
    public var head: String?
    /// The round's run (`fixloop show RUN`; `fixloop show --pr` lists it).
    public var runID: String?
}

extension FixService {
    /// One rebase round on one of Fixloop's pull requests, with no model: fetch the branch and its base, replay
    /// Fixloop's own commits onto the base (libgit2, in memory), re-run the reproduction and the tests on the rebased
    /// tree in the sandbox, and push with a lease. A conflict, a human commit, a failed re-verification or a lost
    /// lease leaves the remote branch as it was and says so in one comment on the pull request.
    /// - Parameter maxBehind: a clean rebase is pushed only when the branch is more than this many commits behind
    ///   (0: never; only conflicts are then reported).
    public func rebaseRound(_ request: RevisionRequest, maxBehind: Int) async throws -> RebaseRoundOutcome {
        let pull = request.pullRequest
        let (revision, ticket, remote) = try await roundSubject(request, needing: "a rebase round")
        let start = RunStart(kind: .rebase, reference: revision.ticket, remote: remote, pullRequest: pull.description, jobID: request.jobID,
                             branch: revision.headBranch, prURL: revision.url,
                             title: "rebase round of \(pull) (\(revision.headBranch) onto \(revision.baseBranch))")
        let outcome = try await withRun(start, model: request.model, secrets: request.credentials.all, observer: FixObserver(), busy: { holder in
            "The ticket \(revision.ticket) of \(pull) is being worked on by run \(holder.id) (process \(holder.pid)); wait for it to finish."
        }) { run, trajectory in
            let credentials = GitCredentials.choose(for: remote, token: request.credentials.github, settings: settings.git)
            let signature = GitSignature(name: settings.git.authorName, email: settings.git.authorEmail)
            return try await workspaces.withWorkspace(remote: remote, at: revision.headBranch, credentials: credentials) { workspace in
                try await ScratchWorkspace.withFolder(label: "rebase") { scratch in
                    // The pool's workspace stays detached; the branch is moved in a private copy.
                    let checkout = scratch.appendingPathComponent("head", isDirectory: true)
                    try FileManager.default.copyItem(at: workspace.directory, to: checkout)
                    try ScratchWorkspace.makePrivate(checkout)
                    let update = BranchUpdate(checkout: GitWorkingCopy(directory: checkout), branch: revision.headBranch, base: revision.baseBranch,
                                              remote: remote, credentials: credentials, signature: signature)
                    var outcome = try await rebase(update, maxBehind: maxBehind, request: request, remote: remote, checkout: checkout,
                                                   scratch: scratch, trajectory: trajectory)
                    outcome.runID = run.id
                    return outcome
                }
            }
        }
        if let comment = Self.rebaseComment(outcome, base: revision.baseBranch) {
            _ = try await codeHost(request.credentials.github).comment(owner: pull.owner, name: pull.name, issue: pull.number,
                                                                       body: "\(TicketComment.fixloopMarker):rebase -->\n\(comment)")
        }
        return outcome
    }

    private func rebase(
        _ update: BranchUpdate, maxBehind: Int, request: RevisionRequest, remote: RepositoryReference, checkout: URL, scratch: URL, trajectory: Trajectory
    ) async throws -> RebaseRoundOutcome {
        let state = try await update.fetch()
        await trajectory.record(.run, "fetch", "\(update.branch) at \(state.branchHead.prefix(12)) is \(state.behind) behind \(update.base) at \(state.baseHead.prefix(12))")
        let rebased: String
        switch try await update.rebase(state) {
        case .current(let head):
            return RebaseRoundOutcome(result: .current, detail: "\(update.branch) already contains \(update.base)", behind: 0, head: head)
        case .conflict(let paths):
            return RebaseRoundOutcome(result: .conflict, detail: paths.joined(separator: ", "), behind: state.behind)
        case .refused(let commit, let author):
            return RebaseRoundOutcome(result: .refused, detail: "commit \(commit.prefix(12)) is by \(author)", behind: state.behind)
        case .rebased(let head, _):
            rebased = head
        }
        guard maxBehind > 0, state.behind > maxBehind else {
            return RebaseRoundOutcome(result: .withinLimit, detail: "\(state.behind) behind, within `[serve] max_behind` = \(maxBehind)", behind: state.behind)
        }
        var overrides = request.overrides
        overrides.readOnlyPaths += settings.readOnlyPaths
        let repository = RepositorySettings.resolve(in: checkout, overrides: overrides, fileSettings: try RepositoryFile.read(in: checkout))
        guard let testCommand = repository.testCommand else {
            throw FixServiceError(code: "fix.no_test_command", message: "No test command for \(remote): add test = \"…\" to the repository's .fixloop.toml.")
        }
        let tests = SandboxedTests(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy,
                                   testCommand: testCommand, readOnlyPaths: repository.readOnlyPaths)
        let check = try await Engineer.verifyRebase(
            tests: tests, setupCommand: repository.setupCommand, baselineRuns: request.limits.baselineRuns, trajectory: trajectory,
            workspace: checkout, oldHead: state.branchHead, newBase: state.baseHead, scratch: scratch)
        guard check.problems.isEmpty else {
            return RebaseRoundOutcome(result: .notVerified, detail: check.problems.joined(separator: "; "), behind: state.behind)
        }
        switch try await update.push(rebased, lease: state.branchHead) {
        case .pushed(let head):
            let detail = "the reproduction (\(check.reproduction.joined(separator: ", "))) still passes; tests at the rebased head: \(check.headSummary)"
            return RebaseRoundOutcome(result: .rebased, detail: detail, behind: state.behind, head: head)
        case .leaseLost(let expected, let found):
            return RebaseRoundOutcome(result: .leaseLost, detail: "expected \(expected.prefix(12)), found \(found.map { String($0.prefix(12)) } ?? "no branch")",
                                      behind: state.behind)
        }
    }

    /// The one comment a round leaves, or nil when it has nothing to say (current, within the limit).
    static func rebaseComment(_ outcome: RebaseRoundOutcome, base: String) -> String? {
        switch outcome.result {
        case .current, .withinLimit:
            return nil
        case .rebased:
            return "Rebased onto `\(base)` (\(outcome.behind) commits newer) and pushed \(outcome.head.map { String($0.prefix(10)) } ?? "") with a lease: \(outcome.detail)."
        case .conflict:
            return "`\(base)` moved and this branch no longer replays onto it: conflicts in \(outcome.detail). The branch is untouched; a person needs to resolve them."
        case .refused:
            return "`\(base)` moved, but this branch was not rebased: \(outcome.detail), not Fixloop, and Fixloop only rewrites its own commits. The branch is untouched."
        case .notVerified:
            return "`\(base)` moved; the branch rebased cleanly but failed its re-verification, so nothing was pushed: \(outcome.detail)."
        case .leaseLost:
            return "`\(base)` moved; the rebased branch was not pushed because someone pushed to it meanwhile (\(outcome.detail)). Nothing was forced."
        }
    }
}
