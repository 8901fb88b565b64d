import FixloopCore
import FixloopEngineer
import FixloopGit
import FixloopGitHub
import FixloopSandbox
import Foundation

extension FixService {
    /// One revision round on one of Fixloop's pull requests: reads the pull request and its ticket, claims the run
    /// (one live run per ticket, so one round per pull request at a time), checks out the branch's head, runs the
    /// engineer with the review as its task, verifies the whole pull request on a fresh checkout, pushes a new commit
    /// on top (fast-forward only), posts one reply and updates the body's evidence.
    /// - Returns: the outcome, also the run's `report.json`; "unchanged", "not revised" and "branch moved" are outcomes.
    /// - Throws: ``FixServiceError`` (not a Fixloop pull request, ticket busy, no test command) and the adapters' errors.
    public func revise(_ request: RevisionRequest, observer: FixObserver = FixObserver()) async throws -> RevisionOutcome {
        let pull = request.pullRequest
        if let refusal = models.refusal(for: request.model, runLimitUSD: request.limits.maxCostUSD) {
            throw FixServiceError(code: "fix.budget_refused", message: refusal.description)
        }
        let (revision, ticket, remote) = try await roundSubject(request, needing: "revise")
        let start = RunStart(kind: request.kind, reference: revision.ticket, remote: remote, pullRequest: pull.description,
                             jobID: request.jobID, branch: revision.headBranch, prURL: revision.url,
                             title: "\(request.kind == .ci ? "CI" : "revision") round of \(pull) (ticket \(revision.ticket)) on \(remote)")
        return try await withRun(start, model: request.model, secrets: request.credentials.all, observer: observer, busy: { holder in
            "The ticket \(revision.ticket) of \(pull) is being worked on by run \(holder.id) (process \(holder.pid)); wait for it to finish."
        }) { run, trajectory in
            try await round(request, revision: revision, ticket: ticket, run: run, trajectory: trajectory, observer: observer)
        }
    }

    private func round(
        _ request: RevisionRequest, revision: PullRequestRevision, ticket: Ticket, run: RunContext, trajectory: Trajectory, observer: FixObserver
    ) async throws -> RevisionOutcome {
        let model = try models.client(
            for: request.model,
            attribution: CallAttribution(runID: run.id, ticketID: run.reference.description, repository: run.remote.url,
                                         runLimitUSD: request.limits.maxCostUSD),
            record: request.record)
        let credentials = GitCredentials.choose(for: run.remote, token: request.credentials.github, settings: settings.git)
        let comments = request.comments ?? revision.comments
        var task = RevisionTask(ticket: ticket, pullRequest: "\(request.pullRequest.owner)/\(request.pullRequest.name)#\(request.pullRequest.number)",
                                comments: comments, instructions: request.instructions)
        task.ciCommands = request.ciCommands
        return try await workspaces.withWorkspace(remote: run.remote, at: revision.headBranch, credentials: credentials) { workspace in
            observer.fetched?()
            let head = workspace.baseCommit
            let base = try await workspaces.mergeBase(remote: run.remote, head: head, base: revision.baseBranch)
            return try await ScratchWorkspace.withFolder(label: "round") { scratch in
                let checkout = scratch.appendingPathComponent("head", isDirectory: true)
                try FileManager.default.copyItem(at: workspace.directory, to: checkout)
                try ScratchWorkspace.makePrivate(checkout)
                var overrides = request.overrides
                overrides.readOnlyPaths += settings.readOnlyPaths
                let repository = RepositorySettings.resolve(in: checkout, overrides: overrides, fileSettings: try RepositoryFile.read(in: checkout))
                guard let testCommand = repository.testCommand else {
                    throw FixServiceError(code: "fix.no_test_command", message: "No test command for \(run.remote): pass --test, or add test = \"…\" to the repository's .fixloop.toml.")
                }
                var asFix = FixRequest(ticket: .ticket(ticket, run.reference), model: request.model)
                asFix.limits = request.limits
                asFix.limits.candidates = 1
                asFix.usesTools = request.usesTools
                asFix.force = true
                let engineer = engineer(model: model, request: asFix, repository: repository, testCommand: testCommand, trajectory: trajectory)
                let result = try await engineer.revise(task, workspace: checkout, headCommit: head, baseCommit: base, scratch: scratch)
                let target = Delivery.Target(
                    ticket: ticket, reference: run.reference, remote: run.remote, branch: revision.headBranch, baseCommit: base,
                    testCommand: testCommand, credentials: credentials, runID: run.id, runDirectory: run.folder,
                    costUSD: await models.cost(ofRun: run.id), costPriced: isPriced(request.model), model: request.model)
                return try await deliver(result, target: target, request: request, revision: revision, task: task, trajectory: trajectory)
            }
        }
    }

    /// The push (when there is a change), the body's evidence, and the one reply.
    private func deliver(
        _ result: Engineer.RoundResult, target: Delivery.Target, request: RevisionRequest, revision: PullRequestRevision, task: RevisionTask,
        trajectory: Trajectory
    ) async throws -> RevisionOutcome {
        let delivery = Delivery(codeHost: codeHost(request.credentials.github),
                                author: GitSignature(name: settings.git.authorName, email: settings.git.authorEmail),
                                prompts: prompts, trajectory: trajectory)
        var outcome = RevisionOutcome(
            result: .notRevised, engineer: result.report, runID: target.runID, pullRequest: request.pullRequest.description,
            ticket: target.reference.description, trajectory: trajectory.file?.path ?? "", branch: revision.headBranch, prURL: revision.url)
        let headline: String
        if let change = result.change {
            switch try await delivery.pushRound(change, to: target, pullRequest: request.pullRequest) {
            case .pushed(let commit):
                outcome.result = .revised
                outcome.commit = commit
                headline = "pushed \(commit.prefix(10)) on top of the branch; the whole pull request was re-verified on a fresh checkout."
                try await delivery.updateBody(report: result.report, target: target, pullRequest: request.pullRequest, base: revision.baseBranch)
            case .branchMoved(let reason):
                outcome.result = .branchMoved
                outcome.engineer.outcome = .notFixed
                outcome.engineer.reason = reason
                headline = "nothing pushed: \(reason)."
            }
        } else if !result.passedInSandbox.isEmpty {
            outcome.result = .unchanged
            let list = result.passedInSandbox.map { "`\($0)`" }.joined(separator: ", ")
            headline = "no change: the failing CI command \(list) passed when Fixloop ran it in its sandbox at the head, so the failure looks flaky or specific to the CI environment and nothing was edited; rerun the CI job."
        } else if result.report.reason.hasPrefix("unchanged") {
            outcome.result = .unchanged
            headline = "no change: this round found nothing to change in the code; nothing was pushed."
        } else {
            headline = "no change pushed: \(result.report.reason)."
        }
        let answered = outcome.result == .revised || outcome.result == .unchanged
        outcome.answered = answered ? task.comments.map(\.id) : []
        outcome.replyID = try await delivery.reply(RevisionReply(
            headline: headline, comments: task.comments, instructions: task.instructions, summary: result.answers, answered: answered,
            runID: target.runID, cost: FixOutcome.costText(await models.cost(ofRun: target.runID), priced: isPriced(request.model)),
            commit: outcome.commit), on: request.pullRequest)
        return outcome
    }
}

extension FixService {
    /// What a round works on: the pull request as Fixloop opened it, its ticket, and the repository to clone.
    /// - Parameter purpose: what needs GitHub, for the error when pull requests cannot be read ("revise").
    /// - Throws: ``FixServiceError`` when pull requests cannot be read or the pull request is not Fixloop's.
    func roundSubject(_ request: RevisionRequest, needing purpose: String) async throws -> (PullRequestRevision, Ticket, RepositoryReference) {
        let pull = request.pullRequest
        guard let source = pullRequests ?? (tickets as? any PullRequestSource) else {
            throw FixServiceError(code: "revise.no_pull_request_source", message: "This Fixloop cannot read pull requests; \(purpose) needs GitHub (GITHUB_TOKEN or the GitHub App).")
        }
        let revision: PullRequestRevision
        do {
            revision = try await source.revision(pull, credentials: request.credentials)
        } catch let error as GitHubError where error.kind == .validation {
            throw FixServiceError(code: "revise.not_fixloops", message: error.message)
        }
        let ticket = try await tickets.ticket(revision.ticket, credentials: request.credentials)
        let remote = try RepositoryReference(parsing: request.repository ?? ticket.repository ?? "https://github.com/\(pull.owner)/\(pull.name).git")
        return (revision, ticket, remote)
    }
}
