import FixloopCore
import FixloopGitHub
import FixloopServer
import Foundation

/// Where `setup-app` keeps the new App's identity: `app-id`, `private-key.pem` and `webhook-secret` in one folder
/// of the state directory, each created fresh with mode 0600 (never over an existing App's files).
struct AppSetupFiles: Sendable {
    let folder: URL
    var appID: URL { folder.appendingPathComponent("app-id") }
    var privateKey: URL { folder.appendingPathComponent("private-key.pem") }
    var webhookSecret: URL { folder.appendingPathComponent("webhook-secret") }

    /// - Throws: ``CommandError`` when an App's files are already there.
    func refuseExisting() throws {
        for file in [appID, privateKey, webhookSecret] where FileManager.default.fileExists(atPath: file.path) {
            throw CommandError(code: "setup_app.exists", message: "\(file.path) already exists (an App set up before); move \(folder.path) away or pass --state-dir for another state directory.")
        }
    }

    /// Writes the three files, each created with mode 0600 in a 0700 folder.
    /// - Throws: ``CommandError`` naming the file that could not be written.
    func write(_ registration: GitHubAppRegistration) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try create(appID, "\(registration.id)\n")
        try create(privateKey, registration.privateKey.reveal())
        try create(webhookSecret, registration.webhookSecret.reveal() + "\n")
    }

    private func create(_ file: URL, _ text: String) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandError(code: "setup_app.write", message: "\(file.path) could not be created (errno \(errno)); check the state directory's permissions and that the file does not exist.")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: Data(text.utf8))
    }
}

/// The setup page: the manifest in a hidden field, posted to GitHub by one button.
enum AppSetupPage {
    static func form(manifest: GitHubAppManifest, action: String, org: String?) -> String {
        let owner = org.map { "the organization \($0)" } ?? "your account"
        let permissions = manifest.defaultPermissions.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return """
            <!doctype html><meta charset=utf-8><title>Create the Fixloop GitHub App</title>
            <body style="font:16px system-ui;max-width:40em;margin:3em auto">
            <h1>Create the Fixloop GitHub App</h1>
            <p>GitHub will show a new App for \(AppSetupServer.escape(owner)) named <b>\(AppSetupServer.escape(manifest.name))</b>
            with the permissions \(AppSetupServer.escape(permissions)) and the events \(AppSetupServer.escape(manifest.defaultEvents.joined(separator: ", "))).
            Webhook: \(AppSetupServer.escape(manifest.hookAttributes.url))\(manifest.hookAttributes.active ? "" : " (off until you set it)").</p>
            <form action="\(AppSetupServer.escape(action))" method="post">
            <input type="hidden" name="manifest" value="\(AppSetupServer.escape(manifest.json))">
            <button type="submit">Create the App on GitHub</button>
            </form></body>
            """
    }
}
