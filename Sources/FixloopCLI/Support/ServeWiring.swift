import FixloopCore
import FixloopFixService
import FixloopGitHub
import FixloopServer
import FixloopStore
import Foundation
import Logging

/// Builds the PR bot's parts from the configuration and the environment: the store, GitHub access (App or token),
/// the webhook intake, the router and the worker pool. `fixloop serve` runs them; the tests drive them directly.
struct ServeWiring {
    let settings: ServeSettings
    /// Where the queue and the ledger live (`[store] url`).
    let backend: StoreBackend
    let store: any JobStore
    let ledger: any LedgerStore
    let connection: GitHubConnection
    let metrics = ServerMetrics()
    let followUps = FollowUps()
    let progress: ProgressComments
    let intake: WebhookIntake
    let workers: WorkerPool
    let logger: Logger
    /// The week's review that `GET /` shows.
    let review: ReviewPage
    /// Who may read `GET /` and `GET /metrics` on the public listener.
    let admin: AdminAccess

    /// - Parameters:
    ///   - jobs: what every job's fix request starts from (model, budget, sandbox).
    ///   - cloneFrom: `OWNER/NAME` → clone source overrides.
    init(context: CommandContext, settings: ServeSettings, jobs: JobDefaults, cloneFrom: [String: String], logger: Logger) async throws {
        self.settings = settings
        self.logger = logger
        let environment = context.environment
        let fromFile = settings.webhookSecretFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let secrets = EdgeSecrets(environment)
        guard let secret = secrets.githubWebhook ?? fromFile.flatMap({ $0.isEmpty ? nil : Secret($0) }) else {
            throw CommandError(code: "serve.no_webhook_secret", message: "fixloop serve needs the webhook secret: set GITHUB_WEBHOOK_SECRET (the secret of the GitHub App or webhook), or [serve] webhook_secret_file to a readable file holding it.")
        }
        admin = try Self.adminAccess(settings, environment: environment)
        backend = try await StoreBackend.open(context)
        store = backend.jobs
        ledger = backend.ledger
        review = ReviewPage(builder: try ReviewBuilder(context: context, productContext: nil, backend: backend),
                            productContext: context.configuration.scorer.productContext)
        let baseURL = environment["GITHUB_API_URL"].flatMap(URL.init(string:)) ?? URL(string: "https://api.github.com")!
        connection = GitHubConnection(baseURL: baseURL, tokens: try Self.tokens(environment, baseURL: baseURL))
        progress = ProgressComments(store: store, github: connection, logger: logger)
        var triggers = TriggerSettings(label: settings.label, maxAttempts: settings.maxAttempts,
                                       maxRounds: settings.maxRounds, maxRoundsPerDay: settings.maxRoundsPerDay)
        triggers.maxBehind = settings.maxBehind
        var intake = WebhookIntake(secret: secret, triggers: triggers, store: store,
                                   github: connection, progress: progress, followUps: followUps, logger: logger)
        if let linearSecret = secrets.linearWebhook { intake.linear = (linearSecret, settings.linearRepository) }
        intake.merges = backend.healing
        intake.manualRounds = backend.runs as? any ManualRoundCounter
        self.intake = intake
        var template = FixRequest(ticket: .reference(.standardInput), model: jobs.model)
        template.limits.maxCostUSD = jobs.maxCostUSD
        template.credentials = secrets.fixCredentials
        let service = try await FixWiring.service(context: context, sandbox: jobs.sandbox, runs: backend.runs, ledger: backend.ledger,
                                                  plans: backend.plans)
        var runner = FixJobRunner(service: service, tokens: connection.tokens, template: template, cloneFrom: cloneFrom)
        runner.maxBehind = settings.maxBehind
        workers = WorkerPool(store: store, runner: runner, progress: progress, metrics: metrics,
                             settings: WorkerSettings(workers: settings.workers, perRepositoryLimit: settings.perRepository, lease: .seconds(settings.leaseSeconds)),
                             name: "\(ProcessInfo.processInfo.hostName)-\(getpid())", logger: logger)
    }

    /// What every job's fix request starts from.
    struct JobDefaults {
        var model: ModelSpec
        var maxCostUSD: Double?
        var sandbox: SandboxChoice = .bubblewrap
    }

    var serverSettings: ServerSettings {
        ServerSettings(host: settings.host, port: settings.port, maxBodyBytes: settings.maxBodyBytes, admin: admin, adminPort: settings.adminPort)
    }

    /// The admin token: `FIXLOOP_ADMIN_TOKEN`, else the first line of `[serve] admin_token_file`; `.closed` with neither.
    static func adminAccess(_ settings: ServeSettings, environment: [String: String]) throws -> AdminAccess {
        let token: String
        let origin: String
        if let value = EdgeSecrets(environment).adminToken {
            (token, origin) = (value.reveal(), "FIXLOOP_ADMIN_TOKEN")
        } else if let file = settings.adminTokenFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw CommandError(code: "serve.admin_token_unreadable", message: "The admin token file \(file) cannot be read; check [serve] admin_token_file, or set FIXLOOP_ADMIN_TOKEN.")
            }
            (token, origin) = (text.trimmingCharacters(in: .whitespacesAndNewlines), "the file \(file)")
        } else {
            return .closed
        }
        guard token.count >= 16 else {
            throw CommandError(code: "serve.admin_token_short", message: "The admin token in \(origin) is shorter than 16 characters; use a long random one (openssl rand -hex 32).")
        }
        return .token(Secret(token))
    }

    /// What the startup log says about `GET /` and `GET /metrics`.
    var adminNote: String { Self.adminNote(admin: admin, adminPort: settings.adminPort) }

    /// The startup note for `admin` and the admin listener's port: who may read the pages, or how to turn them on.
    static func adminNote(admin: AdminAccess, adminPort: Int?) -> String {
        var lines: [String] = []
        if case .token = admin { lines.append("GET / and GET /metrics need Authorization: Bearer <admin token>") }
        if let adminPort { lines.append("GET / and GET /metrics are served on 127.0.0.1:\(adminPort)") }
        if lines.isEmpty {
            lines.append("GET / (the week's review) and GET /metrics are off: set FIXLOOP_ADMIN_TOKEN or [serve] admin_token_file for a bearer token, or [serve] admin_port for a listener on 127.0.0.1")
        }
        return lines.joined(separator: "; ")
    }

    var sources: MetricsSources {
        MetricsSources(jobs: { [store] in (try? await store.counts()) ?? [:] }, spendUSD: { [ledger] in (try? await ledger.summary(since: .distantPast, by: .day).reduce(0) { $0 + $1.costUSD }) ?? 0 },
                       reviewPage: { [review] in await review.page() })
    }

    /// A GitHub App (`GITHUB_APP_ID` with `GITHUB_APP_PRIVATE_KEY` or `GITHUB_APP_PRIVATE_KEY_FILE`), else `GITHUB_TOKEN`.
    static func tokens(_ environment: [String: String], baseURL: URL) throws -> any GitHubTokenProvider {
        let secrets = EdgeSecrets(environment)
        if let appID = environment["GITHUB_APP_ID"], !appID.isEmpty {
            // EdgeSecrets reads the key from GITHUB_APP_PRIVATE_KEY, its _FILE or the credential; an unreadable file
            // was refused when the command's context was made.
            let pem = secrets.appPrivateKey?.reveal() ?? ""
            guard !pem.isEmpty else {
                throw CommandError(code: "serve.no_app_key", message: "GITHUB_APP_ID is set but no private key is: set GITHUB_APP_PRIVATE_KEY_FILE to the app's .pem file.")
            }
            return try GitHubAppAuth(appID: appID, privateKeyPEM: pem, baseURL: baseURL,
                                     defaultInstallation: environment["GITHUB_APP_INSTALLATION_ID"].flatMap(Int.init))
        }
        guard let token = secrets.github else {
            throw CommandError(code: "serve.no_github_auth", message: "fixloop serve needs GitHub access: set GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY_FILE (a GitHub App), or GITHUB_TOKEN.")
        }
        return StaticGitHubToken(token)
    }
}
