import FixloopCore
import FixloopFixService
import FixloopGit
import FixloopGitHub
import Foundation

/// Every secret the commands take from the environment, read here and only here (the CLI edge), and handed on as
/// ``Secret``s inside typed values. Secrets kept in files are named by the environment or `fixloop.toml` and read
/// where they are used (`GITHUB_APP_PRIVATE_KEY_FILE`, `[serve] webhook_secret_file`, `admin_token_file`).
struct EdgeSecrets: Sendable {
    /// `GITHUB_TOKEN`, else `GH_TOKEN`: GitHub's API and git over HTTPS to GitHub hosts.
    var github: Secret?
    /// `LINEAR_API_KEY`.
    var linear: Secret?
    /// `OPENAI_API_KEY`.
    var openAI: Secret?
    /// `ANTHROPIC_API_KEY`.
    var anthropic: Secret?
    /// `GITHUB_WEBHOOK_SECRET`, for `serve`.
    var githubWebhook: Secret?
    /// `LINEAR_WEBHOOK_SECRET`, for `serve`.
    var linearWebhook: Secret?
    /// `FIXLOOP_ADMIN_TOKEN`, for `serve`'s admin pages.
    var adminToken: Secret?
    /// `GITHUB_APP_PRIVATE_KEY` (the PEM itself; `GITHUB_APP_PRIVATE_KEY_FILE` names a file instead).
    var appPrivateKey: Secret?

    init(_ environment: [String: String]) {
        func secret(_ name: String) -> Secret? {
            environment[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : Secret($0) }
        }
        github = secret("GITHUB_TOKEN") ?? secret("GH_TOKEN")
        linear = secret("LINEAR_API_KEY")
        openAI = secret("OPENAI_API_KEY")
        anthropic = secret("ANTHROPIC_API_KEY")
        githubWebhook = secret("GITHUB_WEBHOOK_SECRET")
        linearWebhook = secret("LINEAR_WEBHOOK_SECRET")
        adminToken = secret("FIXLOOP_ADMIN_TOKEN")
        appPrivateKey = environment["GITHUB_APP_PRIVATE_KEY"].flatMap { $0.isEmpty ? nil : Secret($0) }
    }

    /// The model keys, redacted from every trajectory.
    var models: [Secret] { [openAI, anthropic].compactMap { $0 } }

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
