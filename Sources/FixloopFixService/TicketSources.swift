import FixloopCore
import FixloopEngineer
import FixloopGitHub
import FixloopLinear
import Foundation

/// Reads a ticket from wherever its reference points: a file, standard input, GitHub, Linear or the local store.
public struct TicketSources: TicketSource {
    /// GitHub's REST API (GitHub Enterprise, tests).
    public var githubAPI: URL
    /// Linear's GraphQL endpoint.
    public var linearAPI: URL
    /// The store holding the planner's tickets (`local:N`): the plan store of the configured backend.
    public var localTickets: any StoredTicketReader
    public var limits: TicketLimits

    public init(githubAPI: URL, linearAPI: URL, localTickets: any StoredTicketReader, limits: TicketLimits) {
        self.githubAPI = githubAPI
        self.linearAPI = linearAPI
        self.localTickets = localTickets
        self.limits = limits
    }

    /// The ticket as the model sees it: refused when too large to read or binary, summarised when longer than
    /// `[engineer] max_ticket_bytes`.
    public func ticket(_ reference: TicketReference, credentials: FixRequest.Credentials) async throws -> Ticket {
        let ticket = try await read(reference, credentials: credentials)
        switch reference {
        case .file, .standardInput: break  // checked as bytes when read
        default: try TicketText.check(([ticket.title, ticket.body] + ticket.evidence).joined(separator: "\n"), reference: reference.description, limits: limits)
        }
        return TicketText.bounded(ticket, limits: limits)
    }

    private func read(_ reference: TicketReference, credentials: FixRequest.Credentials) async throws -> Ticket {
        switch reference {
        case .file(let path):
            return try TicketFileReader.read(path: path, limits: limits)
        case .standardInput:
            let data = (try? FileHandle.standardInput.read(upToCount: limits.maxReadBytes + 1)) ?? Data()
            return try TicketFileReader.parse(TicketText.decode(data, reference: "-", limits: limits), reference: "-")
        case .github(let owner, let name, let number):
            return try await GitHubTicketSource(client: GitHubClient(baseURL: githubAPI, token: credentials.github))
                .ticket(owner: owner, name: name, number: number)
        case .linear(let identifier):
            guard let key = credentials.linear else {
                throw FixServiceError(code: "fix.no_linear_key", message: "Reading \(reference) needs LINEAR_API_KEY; set it in the environment.")
            }
            return try await LinearTicketSource(client: LinearClient(endpoint: linearAPI, apiKey: key)).ticket(identifier: identifier)
        case .local(let id):
            guard let stored = try await localTickets.ticket(id: id) else {
                throw FixServiceError(code: "fix.no_local_ticket", message: "The store has no ticket local:\(id); list them with fixloop tickets list.")
            }
            return Self.ticket(stored)
        }
    }
}

extension TicketSources {
    /// A planner ticket as the engineer reads it: its body as written, and its pattern as data (the messages seen and
    /// the frames are the evidence).
    public static func ticket(_ stored: StoredTicket) -> Ticket {
        Ticket(
            reference: "local:\(stored.id)", title: stored.title, body: stored.body, repository: stored.repository,
            labels: stored.labels + (stored.classification == "bug" ? ["bug"] : []), evidence: stored.pattern?.evidence ?? [],
            url: stored.url, pattern: stored.pattern)
    }
}
