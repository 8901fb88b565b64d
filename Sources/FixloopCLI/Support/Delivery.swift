import FixloopCore
import FixloopEngineer
import FixloopGit
import FixloopGitHub
import FixloopPrompts
import FixloopStore
import Foundation

/// Commits the chosen candidate on Fixloop's branch, pushes it, and opens (or updates) the draft pull request;
/// with `--no-pr`, writes the patch and the report next to the run instead.
struct Delivery {
    let command: FixCommand
    let context: CommandContext
    let trajectory: Trajectory
    var commentsOnTicket = true

    func deliver(
        _ candidate: Engineer.Candidate, report: inout FixReport, ticket: Ticket, reference: TicketReference,
        remote: RepositoryReference, baseCommit: String, testCommand: String, credentials: GitCredentials, runDirectory: URL
    ) async throws {
        let branch = try fixedBranch(ticket: ticket, reference: reference, remote: remote)
        report.branch = branch
        let patchFile = runDirectory.appendingPathComponent("fix.patch")
        try candidate.diff.patch.write(to: patchFile, atomically: true, encoding: .utf8)
        report.patchFile = patchFile.path
        if command.noPR {
            await trajectory.record("deliver", "local", patchFile.path)
            return
        }
        let git = GitWorkingCopy(directory: candidate.directory)
        try await git.createBranch(branch, checkout: true, force: true)
        let message = "Fix: \(ticket.title)\n\n\(candidate.rootCause)\n\n\(candidate.summary)\n\nFixloop-Ticket: \(reference)\nFixloop-Run: \(report.runID)\n"
        let author = GitSignature(name: context.configuration.git.authorName, email: context.configuration.git.authorEmail)
        let commit = try await git.commitAll(message: message, author: author)
        try await git.push(branch: branch, credentials: credentials, force: true)
        await trajectory.record("deliver", "pushed", "\(branch) at \(commit) to \(remote)")
        if command.branchOnly { return }
        guard let (owner, name) = pullRequestRepository(remote: remote, reference: reference) else {
            throw CommandError(code: "fix.no_pr_repository", message: "Cannot tell which GitHub repository gets the pull request for \(remote); pass --pr-repo OWNER/NAME or --no-pr.")
        }
        let github = GitHubWiring.client(context)
        let base = try await github.repository(owner, name).defaultBranch
        let body = try PromptLibrary().render(pullRequestBody(report: report.engineer, ticket: ticket, reference: reference,
                                                              remote: remote, baseCommit: baseCommit, testCommand: testCommand,
                                                              runID: report.runID, cost: report.costUSD)).text
        let pullRequest = try await GitHubCodeHost(client: github).openOrUpdatePullRequest(PullRequestRequest(
            owner: owner, name: name, head: branch, base: base, title: "Fix: \(ticket.title)", body: body, draft: true))
        report.prURL = pullRequest.url
        await trajectory.record("deliver", pullRequest.created ? "pr_opened" : "pr_updated", pullRequest.url)
        if commentsOnTicket, case .github(let issueOwner, let issueName, let number) = reference {
            let verb = pullRequest.created ? "opened" : "updated"
            try await GitHubCodeHost(client: github).comment(
                owner: issueOwner, name: issueName, issue: number,
                body: "Fixloop \(verb) a draft pull request for this issue: \(pullRequest.url)\n\nRoot cause: \(candidate.rootCause)")
        }
    }

    /// The ticket's branch as stored when it was first taken (``SQLiteRunStore/branch(ticket:repository:proposed:)``),
    /// so an edited title never makes a second branch or pull request.
    func fixedBranch(ticket: Ticket, reference: TicketReference, remote: RepositoryReference) throws -> String {
        let repository = pullRequestRepository(remote: remote, reference: reference).map { "\($0.0)/\($0.1)" } ?? remote.url
        return try SQLiteRunStore(database: try FixloopDatabase(url: context.state.database))
            .branch(ticket: reference.description, repository: repository, proposed: BranchName.make(for: reference, title: ticket.title))
    }

    private func pullRequestRepository(remote: RepositoryReference, reference: TicketReference) -> (String, String)? {
        if let prRepo = command.prRepo {
            let parts = prRepo.split(separator: "/").map(String.init)
            return (parts[0], parts[1])
        }
        if case .github(let owner, let name, _) = reference { return (owner, name) }
        return remote.ownerAndName.map { ($0.owner, $0.name) }
    }

    private func pullRequestBody(
        report: EngineerReport, ticket: Ticket, reference: TicketReference, remote: RepositoryReference, baseCommit: String,
        testCommand: String, runID: String, cost: Double
    ) -> PullRequestBody {
        let after = report.verification?.after.outcomes ?? [:]
        let before = report.verification?.before.outcomes ?? [:]
        var rows = report.reproduction.map { PullRequestBody.TestRow(id: $0, before: "failed", after: after[$0]?.rawValue ?? "passed") }
        for id in after.keys.sorted() where !report.reproduction.contains(id) && rows.count < 25 {
            rows.append(.init(id: id, before: before[id]?.rawValue ?? "—", after: after[id]?.rawValue ?? "—"))
        }
        let failToPass = report.reproduction.map { "--fail-to-pass '\($0)'" }.joined(separator: " ")
        return PullRequestBody(
            ticketLink: ticket.url ?? reference.description, ticketTitle: ticket.title, rootCause: report.rootCause,
            changeSummary: report.summary.isEmpty ? "See the diff." : report.summary, files: report.changedFiles, tests: rows,
            reproductionTest: report.reproduction.first, cost: String(format: "$%.4f (%d turns, %d tokens)", cost, report.turns, report.tokens),
            reverifyCommand: "fixloop verify --repo \(remote.url) --commit \(baseCommit) --patch fix.patch --test '\(testCommand)' \(failToPass)   # fix.patch: this pull request's diff",
            runID: runID)
    }
}
