import FixloopCore
import FixloopFixService
import FixloopGit
import FixloopGitHub
import Foundation

/// Every secret the commands take from their surroundings, read here and only here (the CLI edge), and handed on
/// as ``Secret``s inside typed values.
///
/// Each secret `NAME` comes from the variable `NAME`, else the file named by `NAME_FILE`, else the file `NAME` in
/// systemd's credentials directory (`$CREDENTIALS_DIRECTORY`, what `LoadCredential=NAME:…` fills); a file's
/// surrounding whitespace is dropped. `[serve] webhook_secret_file` and `admin_token_file` are read where serve
/// wires them.
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
    /// `GITHUB_APP_PRIVATE_KEY` (the PEM itself), else the file `GITHUB_APP_PRIVATE_KEY_FILE` names.
    var appPrivateKey: Secret?
    /// `POSTHOG_API_KEY`: a personal API key with Query Read, for `score --posthog`.
    var posthog: Secret?
    /// `FIXLOOP_SLACK_WEBHOOK`: the incoming webhook `report` posts the week's summary to.
    var slackWebhook: Secret?
    /// `FIXLOOP_DATABASE_PASSWORD`: the PostgreSQL password when a `postgres://` URL (`--from`, `[scorer] write_back`)
    /// carries none.
    var databasePassword: Secret?
    /// `FIXLOOP_DATABASE_URL`: the store's `postgres://` URL (it may carry the password), over `[store] url`.
    var databaseURL: Secret?

    /// Every secret's variable name; each may also come as `NAME_FILE` or a credential `NAME`.
    static let names = [
        "GITHUB_TOKEN", "GH_TOKEN", "LINEAR_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GITHUB_WEBHOOK_SECRET",
        "LINEAR_WEBHOOK_SECRET", "FIXLOOP_ADMIN_TOKEN", "GITHUB_APP_PRIVATE_KEY", "POSTHOG_API_KEY",
        "FIXLOOP_SLACK_WEBHOOK", "FIXLOOP_DATABASE_PASSWORD", "FIXLOOP_DATABASE_URL",
    ]

    init(_ environment: [String: String]) {
        func secret(_ name: String) -> Secret? {
            Self.value(name, environment).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : Secret($0) }
        }
        github = secret("GITHUB_TOKEN") ?? secret("GH_TOKEN")
        linear = secret("LINEAR_API_KEY")
        openAI = secret("OPENAI_API_KEY")
        anthropic = secret("ANTHROPIC_API_KEY")
        githubWebhook = secret("GITHUB_WEBHOOK_SECRET")
        linearWebhook = secret("LINEAR_WEBHOOK_SECRET")
        adminToken = secret("FIXLOOP_ADMIN_TOKEN")
        posthog = secret("POSTHOG_API_KEY")
        slackWebhook = secret("FIXLOOP_SLACK_WEBHOOK")
        databasePassword = secret("FIXLOOP_DATABASE_PASSWORD")
        databaseURL = secret("FIXLOOP_DATABASE_URL")
        appPrivateKey = Self.value("GITHUB_APP_PRIVATE_KEY", environment).flatMap { $0.isEmpty ? nil : Secret($0) }
    }

    /// The raw text of `name`: the variable, else `NAME_FILE`'s file, else the credential file; nil when none is set
    /// or the named file cannot be read (``unreadableFiles(_:)`` reports that at the edge).
    private static func value(_ name: String, _ environment: [String: String]) -> String? {
        if let direct = environment[name], !direct.isEmpty { return direct }
        guard let file = file(name, environment) else { return nil }
        return try? String(contentsOfFile: file, encoding: .utf8)
    }

    /// The file that holds `name`: `NAME_FILE`, else `$CREDENTIALS_DIRECTORY/NAME` when it exists.
    private static func file(_ name: String, _ environment: [String: String]) -> String? {
        if let named = environment[name + "_FILE"], !named.isEmpty { return named }
        guard let folder = environment["CREDENTIALS_DIRECTORY"], !folder.isEmpty else { return nil }
        let credential = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: credential) ? credential : nil
    }

    /// Every file a secret may come from: each `NAME_FILE` set, and the credentials directory; the sandbox never
    /// shows them.
    static func secretFiles(_ environment: [String: String]) -> [String] {
        (names.map { $0 + "_FILE" } + ["CREDENTIALS_DIRECTORY"]).compactMap { environment[$0] }.filter { !$0.isEmpty }
    }

    /// Refuses a secret file that is named but cannot be read, before a command starts.
    /// - Throws: ``CommandError`` `secrets.unreadable_file` naming the variable and the file.
    static func checkFiles(_ environment: [String: String]) throws {
        for name in names where (environment[name] ?? "").isEmpty {
            guard let file = file(name, environment), !FileManager.default.isReadableFile(atPath: file) else { continue }
            throw CommandError(code: "secrets.unreadable_file", message: "The secret file \(file) for \(name) cannot be read; check \(name)_FILE (or the credential \(name) in $CREDENTIALS_DIRECTORY) and the file's owner and mode.")
        }
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
