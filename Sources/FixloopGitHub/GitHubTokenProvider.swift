import FixloopCore
import Foundation

/// Where the bot's GitHub token comes from: one plain token, or a GitHub App's installation tokens.
public protocol GitHubTokenProvider: Sendable {
    /// The token for calls on behalf of `installation` (nil with a plain token, or when the webhook named none).
    func token(installation: Int?) async throws -> Secret?
}

/// A plain token (`GITHUB_TOKEN`), the same for every installation.
public struct StaticGitHubToken: GitHubTokenProvider {
    let value: Secret?

    public init(_ value: Secret?) { self.value = value }

    public func token(installation: Int?) async throws -> Secret? { value }
}
