import ArgumentParser
import FixloopCore
import FixloopGitHub
import FixloopServer
import Foundation

/// `fixloop setup-app`: creates the GitHub App `serve` needs through GitHub's manifest flow.
struct SetupAppCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup-app", abstract: "Create the GitHub App for fixloop serve from a one-page form on 127.0.0.1.",
        discussion: """
            Open the printed address in a browser on this machine and press the button: GitHub shows the App with the \
            permissions and events serve needs, creates it, and sends the browser back here. Fixloop exchanges the \
            code GitHub sends for the App's id, private key and webhook secret, writes them to github-app/ in the \
            state directory (mode 0600), and prints the serve command to run. GITHUB_SERVER_URL (or GITHUB_API_URL) \
            names a GitHub Enterprise host.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Create the App in this organization (default: your personal account).", valueName: "org"))
    var org: String?

    @Option(help: ArgumentHelp("Where GitHub reaches fixloop serve; the webhook is URL/webhooks/github (default: the webhook stays off until set in the App's settings).", valueName: "https://host"))
    var url: String?

    @Option(help: ArgumentHelp("The App's name, editable on GitHub's page (names are unique on GitHub).", valueName: "name"))
    var name: String?

    @Option(help: "The port on 127.0.0.1 for the form (default: a free one).")
    var port = 0

    func validate() throws {
        if let url, URL(string: url)?.scheme.map({ ["https", "http"].contains($0) }) != true { throw ValidationError("--url is the https:// address where GitHub reaches fixloop serve.") }
        if let org, org.isEmpty || org.contains("/") { throw ValidationError("--org is an organization's login, such as acme.") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        let context = try global.context()
        let files = AppSetupFiles(folder: context.state.root.appendingPathComponent("github-app", isDirectory: true))
        try files.refuseExisting()
        let web = GitHubWeb.serverURL(context.environment)
        let client = GitHubClient(baseURL: GitHubWiring.apiURL(context), token: nil)
        let state = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let appName = name ?? "fixloop-\(org ?? "app")-\(state.prefix(6))"
        let serveURL = url.flatMap(URL.init(string:))
        let target = web.appendingPathComponent(org.map { "organizations/\($0)/settings/apps/new" } ?? "settings/apps/new")
        let outcome = AppSetupOutcome()
        try await AppSetupServer.run(
            port: port, state: state,
            form: { callback in
                var manifest = GitHubAppManifest(name: appName, serveURL: serveURL ?? URL(string: "https://fixloop.invalid")!, redirect: callback)
                if serveURL == nil { manifest.hookAttributes.active = false }
                return AppSetupPage.form(manifest: manifest, action: "\(target.absoluteString)?state=\(state)", org: org)
            },
            onListening: { base in
                context.print("Open \(base.absoluteString)/ in a browser on this machine and press the button to create the App on \(web.host ?? web.absoluteString); waiting for GitHub to send it back (Ctrl-C to stop).")
            },
            finish: { code in
                do {
                    let registration = try await client.convertAppManifest(code: code)
                    try files.write(registration)
                    await outcome.set(.success(registration))
                    return AppSetupServer.Finished(page: AppSetupServer.page("The App is created", "Its id, private key and webhook secret are in \(files.folder.path). Install it on your repositories at \(registration.htmlURL)/installations/new, then start fixloop serve as the terminal says."), done: true)
                } catch {
                    await outcome.set(.failure(error))
                    return AppSetupServer.Finished(page: AppSetupServer.page("The App could not be set up", "\(error)"), done: true)
                }
            })
        guard case .success(let registration)? = await outcome.value else {
            if case .failure(let error)? = await outcome.value { throw error }
            throw CommandError(code: "setup_app.stopped", message: "setup-app stopped before GitHub sent the App back; run it again.")
        }
        context.print("Created the GitHub App \(registration.slug) (id \(registration.id)); wrote \(files.appID.path), \(files.privateKey.path) and \(files.webhookSecret.path) (mode 0600).")
        context.print("Install it on your repositories: \(registration.htmlURL)/installations/new")
        context.print("Then run serve with it:")
        context.print("  GITHUB_APP_ID=\(registration.id) GITHUB_APP_PRIVATE_KEY_FILE=\(files.privateKey.path) GITHUB_WEBHOOK_SECRET_FILE=\(files.webhookSecret.path) fixloop serve --port 8080")
        if serveURL == nil { context.print("The App's webhook is off: set its URL (https://YOUR-HOST/webhooks/github) and turn it on in the App's settings.") }
    }
}

/// The first finished callback's result.
actor AppSetupOutcome {
    private(set) var value: Result<GitHubAppRegistration, any Error>?
    func set(_ result: Result<GitHubAppRegistration, any Error>) { if value == nil { value = result } }
}

/// GitHub's web address (where the form posts): `GITHUB_SERVER_URL`, else `GITHUB_API_URL` without `/api/v3`,
/// else github.com.
enum GitHubWeb {
    static func serverURL(_ environment: [String: String]) -> URL {
        if let server = environment["GITHUB_SERVER_URL"].flatMap(URL.init(string:)) { return server }
        if let api = environment["GITHUB_API_URL"], api.hasSuffix("/api/v3"), let url = URL(string: String(api.dropLast("/api/v3".count))) { return url }
        return URL(string: "https://github.com")!
    }
}
