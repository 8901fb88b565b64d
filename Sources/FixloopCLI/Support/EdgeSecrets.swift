import FixloopCore
import FixloopFixService
import FixloopGit
import FixloopGitHub
import Foundation

/// The secrets the commands read from the environment, read here, at the edge, and handed on as ``Secret``s.
/// (Model keys are read with their endpoints by `ModelEndpoints`, from the same environment dictionary.)
struct EdgeSecrets: Sendable {
    /// `GITHUB_TOKEN`, else `GH_TOKEN`.
    var github: Secret?
    /// `LINEAR_API_KEY`.
    var linear: Secret?
    /// `OPENAI_API_KEY` and `ANTHROPIC_API_KEY`, for redaction.
    var models: [Secret]

    init(_ environment: [String: String]) {
        func secret(_ name: String) -> Secret? { environment[name].flatMap { $0.isEmpty ? nil : Secret($0) } }
        github = secret("GITHUB_TOKEN") ?? secret("GH_TOKEN")
        linear = secret("LINEAR_API_KEY")
        models = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY"].compactMap(secret)
    }

    /// What a fix run may use.
    var fixCredentials: FixRequest.Credentials { FixRequest.Credentials(github: github, linear: linear) }
}

/// GitHub's API client for a command: `GITHUB_API_URL` (GitHub Enterprise, tests) and the edge's GitHub token.
enum GitHubWiring {
    static func apiURL(_ context: CommandContext) -> URL {
        context.environment["GITHUB_API_URL"].flatMap(URL.init(string:)) ?? URL(string: "https://api.github.com")!
    }

    static func client(_ context: CommandContext, token: Secret? = nil) -> GitHubClient {
        GitHubClient(baseURL: apiURL(context), token: token ?? EdgeSecrets(context.environment).github)
    }
}

/// Git credentials for a command's remote (``GitCredentials/choose(for:token:settings:)`` with the edge's token).
enum GitCredentialChoice {
    static func credentials(for remote: RepositoryReference, context: CommandContext) -> GitCredentials {
        GitCredentials.choose(for: remote, token: EdgeSecrets(context.environment).github, settings: context.configuration.git)
    }
}
