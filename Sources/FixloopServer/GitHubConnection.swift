import FixloopCore
import FixloopGitHub
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// How the bot reaches GitHub: the API root (`GITHUB_API_URL`, GitHub Enterprise) and where tokens come from.
public struct GitHubConnection: Sendable {
    public let baseURL: URL
    public let tokens: any GitHubTokenProvider
    let session: URLSession

    public init(baseURL: URL, tokens: any GitHubTokenProvider, session: URLSession = .shared) {
        self.baseURL = baseURL
        self.tokens = tokens
        self.session = session
    }

    /// A REST client acting for `installation`.
    public func client(installation: Int?) async throws -> GitHubClient {
        GitHubClient(baseURL: baseURL, token: try await tokens.token(installation: installation), session: session)
    }
}
