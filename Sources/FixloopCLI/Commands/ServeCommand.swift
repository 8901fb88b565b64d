import ArgumentParser
import FixloopCore
import FixloopServer
import Foundation
import Logging

/// `fixloop serve`: the GitHub PR bot — webhooks in, a durable job queue, workers that run `fix`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the GitHub PR bot: webhooks in, a durable job queue, workers.",
        discussion: """
            Listens for GitHub webhooks on POST /webhooks/github (GITHUB_WEBHOOK_SECRET verifies them), with GET \
            /healthz; GET / (the week's review) and GET /metrics need FIXLOOP_ADMIN_TOKEN or [serve] admin_token_file \
            (a bearer token), or are served on 127.0.0.1 at [serve] admin_port. An issue labelled fixloop, or a /fixloop fix comment from a user with write \
            access, queues a job; workers fix it and open a draft PR. GitHub access: a GitHub App (GITHUB_APP_ID, \
            GITHUB_APP_PRIVATE_KEY_FILE) or GITHUB_TOKEN; GITHUB_API_URL for GitHub Enterprise.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The address to listen on (default: 127.0.0.1).", valueName: "host")) var host: String?
    @Option(help: ArgumentHelp("The port to listen on (default: 8080).", valueName: "port")) var port: Int?
    @Option(help: ArgumentHelp("Jobs run at once (default: 2).", valueName: "n")) var workers: Int?
    @Option(help: ArgumentHelp("The model jobs use: openai:MODEL, anthropic:MODEL or replay:FILE.", valueName: "spec")) var model: String?
    @Option(help: ArgumentHelp("Most model spend per job, in US dollars.", valueName: "usd")) var maxCost: Double?
    @Option(name: .customLong("clone-from"), help: ArgumentHelp("Clone OWNER/NAME from URL|PATH instead of GitHub (a mirror).", valueName: "owner/name=url"))
    var cloneFrom: [String] = []
    @Option(help: .sandbox) var sandbox: SandboxChoice = .bubblewrap

    func validate() throws {
        if let workers, !(1...64).contains(workers) { throw ValidationError("--workers must be between 1 and 64.") }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
        for entry in cloneFrom where !entry.contains("=") { throw ValidationError("--clone-from takes OWNER/NAME=URL.") }
    }

    func run() async throws {
        let context = try global.context()
        let wiring = try await ServeWiring(context: context, settings: settings(context), jobs: try jobDefaults(context),
                                     cloneFrom: Self.cloneMap(cloneFrom), logger: Logger(label: "fixloop.serve"))
        try await runServer(settings: wiring.serverSettings, intake: wiring.intake, metrics: wiring.metrics, sources: wiring.sources,
                            services: [wiring.workers], logger: wiring.logger, onRunning: { port in
            context.print("fixloop serve: listening on http://\(wiring.settings.host):\(port) with \(wiring.settings.workers) worker(s)")
            wiring.logger.notice("\(wiring.adminNote)")
        }, onAdminRunning: { port in
            context.print("fixloop serve: the review and metrics on http://127.0.0.1:\(port)")
        })
        await wiring.followUps.drain()
    }

    func settings(_ context: CommandContext) -> ServeSettings {
        var settings = context.configuration.serve
        if let host { settings.host = host }
        if let port { settings.port = port }
        if let workers { settings.workers = workers }
        return settings
    }

    func jobDefaults(_ context: CommandContext) throws -> ServeWiring.JobDefaults {
        let spec = try ModelSpec(parsing: model ?? context.configuration.serve.model ?? context.configuration.models.defaultModel)
        return ServeWiring.JobDefaults(model: spec, maxCostUSD: maxCost ?? context.configuration.serve.maxCostUSD, sandbox: sandbox)
    }

    static func cloneMap(_ entries: [String]) -> [String: String] {
        Dictionary(entries.compactMap { entry -> (String, String)? in
            guard let equals = entry.firstIndex(of: "=") else { return nil }
            return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
        }, uniquingKeysWith: { $1 })
    }
}
