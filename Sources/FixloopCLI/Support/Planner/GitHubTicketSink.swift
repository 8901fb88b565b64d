import FixloopGitHub
import FixloopPlanner
import Foundation

/// GitHub Issues as the planner's ticket sink: label `fixloop`, the pattern's marker hidden in the body, found
/// again by listing the repository's `fixloop` issues and reading their bodies.
struct GitHubTicketSink: TicketSink {
    let client: GitHubClient
    let owner: String
    let repository: String
    var maximumPages = 100

    var name: String { "github:\(owner)/\(repository)" }

    func find(_ draft: TicketDraft) async throws -> FiledTicket? {
        let markers = draft.fingerprints.map(TicketDraft.marker)
        // Every page of `fixloop` issues, open or closed, up to `maximumPages` (10,000 issues).
        for page in 1...maximumPages {
            let issues = try await client.issues(owner, repository, labels: ["fixloop"], state: "all", page: page)
            if let issue = issues.first(where: { issue in issue.pullRequest == nil && markers.contains { issue.body?.contains($0) == true } }) {
                return filed(issue)
            }
            if issues.count < 100 { break }
        }
        return nil
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
