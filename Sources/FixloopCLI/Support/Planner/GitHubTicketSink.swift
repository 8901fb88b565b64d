import FixloopGitHub
import FixloopPlanner
import Foundation

/// GitHub Issues as the planner's ticket sink: label `fixloop`, the pattern's marker hidden in the body, found
/// again by listing the repository's `fixloop` issues and reading their bodies.
struct GitHubTicketSink: TicketSink {
    let client: GitHubClient
    let owner: String
    let repository: String

    var name: String { "github:\(owner)/\(repository)" }

    func find(_ draft: TicketDraft) async throws -> FiledTicket? {
        let markers = draft.fingerprints.map(TicketDraft.marker)
        let issues = try await client.issues(owner, repository, labels: ["fixloop"], state: "all")
        guard let issue = issues.first(where: { issue in issue.pullRequest == nil && markers.contains { issue.body?.contains($0) == true } })
        else { return nil }
        return filed(issue)
    }

    func create(_ draft: TicketDraft) async throws -> FiledTicket {
        filed(try await client.createIssue(owner, repository, title: draft.title, body: draft.body, labels: draft.labels))
    }

    func update(_ ticket: FiledTicket, draft: TicketDraft) async throws {
        guard let number = Int(ticket.remoteID) else { return }
        _ = try await client.createComment(owner, repository, issue: number, body: draft.updateComment)
    }

    private func filed(_ issue: GitHubIssue) -> FiledTicket {
        FiledTicket(reference: "gh:\(owner)/\(repository)#\(issue.number)", remoteID: String(issue.number), url: issue.htmlUrl)
    }
}
