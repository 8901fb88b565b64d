import FixloopCore

/// Reads `linear:KEY-N` tickets.
public struct LinearTicketSource: Sendable {
    public let client: LinearClient

    public init(client: LinearClient) { self.client = client }

    public func ticket(identifier: String) async throws -> Ticket {
        let issue = try await client.issue(identifier)
        let body = TicketText.clean(issue.description ?? "")
        return Ticket(
            reference: "linear:\(issue.identifier)", title: TicketText.clean(issue.title), body: body,
            labels: issue.labels?.nodes.map(\.name) ?? [], evidence: TicketText.codeBlocks(in: body), url: issue.url)
    }
}
