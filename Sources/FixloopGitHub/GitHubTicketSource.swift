import FixloopCore

/// Reads `gh:OWNER/NAME#N` tickets: the issue's title, body and labels; fenced code blocks become evidence.
public struct GitHubTicketSource: Sendable {
    public let client: GitHubClient

    public init(client: GitHubClient) { self.client = client }

    public func ticket(owner: String, name: String, number: Int) async throws -> Ticket {
        let issue = try await client.issue(owner, name, number: number)
        let body = TicketText.clean(issue.body ?? "")
        return Ticket(
            reference: "gh:\(owner)/\(name)#\(number)", title: TicketText.clean(issue.title), body: body,
            repository: "https://github.com/\(owner)/\(name)", labels: issue.labels.map(\.name),
            evidence: TicketText.codeBlocks(in: body), url: issue.htmlUrl)
    }
}
