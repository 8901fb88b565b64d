import FixloopCore
import FixloopEngineer
import FixloopGit
import FixloopGitHub
import FixloopLinear
import FixloopStore
import Foundation

/// Reads a ticket from wherever its reference points; the environment supplies API URLs and tokens.
struct TicketLoader {
    let context: CommandContext

    /// The ticket as the model sees it: refused when too large to read or binary, summarised when longer than
    /// `[engineer] max_ticket_bytes`.
    func load(_ reference: TicketReference) async throws -> Ticket {
        let limits = context.configuration.engineer
        let ticket = try await read(reference, limits: limits)
        switch reference {
        case .file, .standardInput: break  // checked as bytes when read
        default: try TicketText.check(([ticket.title, ticket.body] + ticket.evidence).joined(separator: "\n"), reference: reference.description, limits: limits)
        }
        return TicketText.bounded(ticket, limits: limits)
    }

    private func read(_ reference: TicketReference, limits: TicketLimits) async throws -> Ticket {
        switch reference {
        case .file(let path):
            return try TicketFileReader.read(path: path, limits: limits)
        case .standardInput:
            let data = (try? FileHandle.standardInput.read(upToCount: limits.maxReadBytes + 1)) ?? Data()
            return try TicketFileReader.parse(TicketText.decode(data, reference: "-", limits: limits), reference: "-")
        case .github(let owner, let name, let number):
            return try await GitHubTicketSource(client: GitHubWiring.client(context)).ticket(owner: owner, name: name, number: number)
        case .linear(let identifier):
            guard let key = context.environment["LINEAR_API_KEY"], !key.isEmpty else {
                throw CommandError(code: "fix.no_linear_key", message: "Reading \(reference) needs LINEAR_API_KEY; set it in the environment.")
            }
            let endpoint = context.environment["LINEAR_API_URL"].flatMap(URL.init(string:)) ?? URL(string: "https://api.linear.app/graphql")!
            return try await LinearTicketSource(client: LinearClient(endpoint: endpoint, apiKey: Secret(key))).ticket(identifier: identifier)
        case .local(let id):
            try context.state.prepare()
            guard let stored = try await SQLitePlanStore(database: try FixloopDatabase(url: context.state.database)).ticket(id: id) else {
                throw CommandError(code: "fix.no_local_ticket", message: "The store has no ticket local:\(id); list them with fixloop tickets list.")
            }
            return Self.ticket(stored)
        }
    }
}

extension TicketLoader {
    /// A planner ticket as the engineer reads it: the body's fenced messages and frame lines are its evidence.
    static func ticket(_ stored: SQLitePlanStore.StoredTicket) -> Ticket {
        var evidence: [String] = []
        var inFence = false
        for line in stored.body.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inFence.toggle(); continue }
            if inFence, !line.isEmpty { evidence.append(String(line)) }
            if line.hasPrefix("- frame: ") { evidence.append(line.dropFirst(9).trimmingCharacters(in: CharacterSet(charactersIn: "`"))) }
        }
        return Ticket(
            reference: "local:\(stored.id)", title: stored.title, body: stored.body, repository: stored.repository,
            labels: stored.labels + (stored.classification == "bug" ? ["bug"] : []), evidence: evidence, url: stored.url)
    }
}

/// GitHub's API client from the environment: `GITHUB_API_URL` (GitHub Enterprise, tests) and `GITHUB_TOKEN`.
enum GitHubWiring {
    static func client(_ context: CommandContext) -> GitHubClient {
        let base = context.environment["GITHUB_API_URL"].flatMap(URL.init(string:)) ?? URL(string: "https://api.github.com")!
        let token = (context.environment["GITHUB_TOKEN"] ?? context.environment["GH_TOKEN"]).flatMap { $0.isEmpty ? nil : Secret($0) }
        return GitHubClient(baseURL: base, token: token)
    }
}

/// Git credentials from the environment: the GitHub token for GitHub hosts only, else the SSH agent.
enum GitCredentialChoice {
    static func credentials(for remote: RepositoryReference, context: CommandContext) -> GitCredentials {
        let enterprise = Set(context.configuration.git.enterpriseHosts)
        if remote.isGitHub(enterpriseHosts: enterprise),
           let token = context.environment["GITHUB_TOKEN"] ?? context.environment["GH_TOKEN"], !token.isEmpty {
            return GitCredentials(token: Secret(token), tokenHost: remote.host, maxAttempts: context.configuration.git.credentialAttempts)
        }
        return GitCredentials(useSSHAgent: remote.transport == .ssh, maxAttempts: context.configuration.git.credentialAttempts)
    }
}
