import Foundation
import FixloopCore

/// Reads `gh:OWNER/NAME#N` tickets: the issue's title, body and labels; fenced code blocks become evidence; the
/// comments become the conversation, writers marked as such, bots' and Fixloop's own left out.
public struct GitHubTicketSource: Sendable {
    public let client: GitHubClient

    public init(client: GitHubClient) { self.client = client }

    public func ticket(owner: String, name: String, number: Int) async throws -> Ticket {
        let issue = try await client.issue(owner, name, number: number)
        let body = TicketText.clean(issue.body ?? "")
        var ticket = Ticket(
            reference: "gh:\(owner)/\(name)#\(number)", title: TicketText.clean(issue.title), body: body,
            repository: "https://github.com/\(owner)/\(name)", labels: issue.labels.map(\.name),
            evidence: TicketText.codeBlocks(in: body), url: issue.htmlUrl)
        ticket.conversation = Self.conversation(try await client.comments(owner, name, issue: number))
        return ticket
    }

    /// The comments people wrote: a bot's (`type` `Bot`, a `[bot]` login) and Fixloop's own (its hidden marker) are
    /// left out, as are comments with no visible text.
    public static func conversation(_ comments: [GitHubComment]) -> [TicketComment] {
        comments.compactMap { comment in
            let login = comment.user?.login ?? "someone"
            guard comment.user?.type != "Bot", !login.hasSuffix("[bot]"), !TicketComment.isFixloops(comment.body) else { return nil }
            let body = TicketText.clean(comment.body).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !body.isEmpty else { return nil }
            let standing: TicketComment.Standing = TicketComment.writerAssociations.contains(comment.authorAssociation ?? "") ? .writer : .user
            return TicketComment(author: login, standing: standing, body: body)
        }
    }
}
