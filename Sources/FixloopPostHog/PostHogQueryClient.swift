import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What went wrong talking to PostHog's query API.
public struct PostHogError: FixloopError, Equatable {
    /// The kind, which gives the stable code.
    public enum Kind: String, Sendable { case unauthorized, notFound = "not_found", rejected, rateLimited = "rate_limited", server, transport, decoding }
    public let kind: Kind
    public let message: String
    public init(kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    /// `posthog.unauthorized` and the like.
    public var code: String { "posthog.\(kind.rawValue)" }
}

/// Posts HogQL to PostHog's query API (`POST {host}/api/projects/{project_id}/query/`) with a personal API key,
/// and hands back the answer's bytes: `{"columns": [...], "results": [[…], …], "hasMore": …}`.
///
/// The US and EU clouds and self-hosted instances differ only in `host`. A 429 is waited out as its `Retry-After`
/// says (through ``RetryPolicy``), as are 5xx answers and dropped connections.
public struct PostHogQueryClient: Sendable {
    /// `https://us.posthog.com`, `https://eu.posthog.com`, or a self-hosted instance.
    public let host: URL
    /// The project's id (a number in PostHog's settings).
    public let projectID: String
    let apiKey: Secret
    let session: URLSession
    /// Retries and waits; PostHog allows 240 queries a minute and 2,400 an hour per project.
    public var retry = RetryPolicy.trackerAPI

    /// Creates a client.
    public init(host: URL, projectID: String, apiKey: Secret, session: URLSession = .shared) {
        self.host = host
        self.projectID = projectID
        self.apiKey = apiKey
        self.session = session
    }

    /// The query endpoint.
    public var endpoint: URL {
        host.appendingPathComponent("api").appendingPathComponent("projects").appendingPathComponent(projectID)
            .appendingPathComponent("query").appendingPathComponent("")
    }

    private struct Body: Encodable {
        struct Query: Encodable { var kind = "HogQLQuery"; var query: String }
        var query: Query
        var name: String
    }

    /// Runs one HogQL query and returns the answer's bytes.
    /// - Throws: ``PostHogError``: `unauthorized` naming POSTHOG_API_KEY, `not_found` naming the project,
    ///   `rejected` with PostHog's reason, `rate_limited`, `server`, `transport`.
    public func query(_ hogql: String, name: String = "fixloop import") async throws -> [UInt8] {
        let reply = try await retry.postJSON(Body(query: .init(query: hogql), name: name), to: endpoint,
                                             headers: ["Authorization": "Bearer \(apiKey.reveal())"], session: session, timeout: .seconds(120))
        let answer: HTTPAnswer
        switch reply {
        case .noAnswer:
            throw PostHogError(kind: .transport, "Could not reach PostHog at \(host.absoluteString); check [posthog] host and the network.")
        case .serverWaitTooLong:
            throw PostHogError(kind: .rateLimited, "PostHog rate-limits the query API for longer than Fixloop waits; try again later.")
        case .answer(let last):
            answer = last
        }
        switch answer.status {
        case 200..<300: return [UInt8](answer.body)
        case 401, 403:
            throw PostHogError(kind: .unauthorized, "PostHog refused the query (\(answer.status)); check that POSTHOG_API_KEY is a personal API key with the Query Read scope for project \(projectID).")
        case 404:
            throw PostHogError(kind: .notFound, "PostHog has no project \(projectID) at \(host.absoluteString); check [posthog] project_id and host.")
        case 429:
            throw PostHogError(kind: .rateLimited, "PostHog still rate-limits the query API after \(retry.maxAttempts) attempts; try again later.")
        case 500...:
            throw PostHogError(kind: .server, "PostHog answered \(answer.status) to the query; try again later.")
        default:
            struct Detail: Decodable { var detail: String? }
            let detail = answer.decoded(Detail.self)?.detail ?? "no reason given"
            throw PostHogError(kind: .rejected, "PostHog rejected the query (\(answer.status)): \(apiKey.redact(String(detail.prefix(300)))).")
        }
    }
}
