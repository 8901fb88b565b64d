@testable import FixloopCLI
import FixloopTesting
import Foundation
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `fixloop setup-app` against the loopback GitHub server: the form carries the manifest serve needs, a callback
/// from elsewhere is refused, and GitHub's redirect with a code leaves the App's id, key and webhook secret in
/// files of mode 0600 and the serve command on the terminal.
@Suite(.serialized)
struct SetupAppTests {
    static func get(_ url: URL) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func theRedirectsCodeBecomesThreeFilesWithMode0600AndTheServeCommand() async throws {
        try await withTemporaryDirectory("fixloop-setup-app") { root in
            let github = GitHubTestServer()
            try await github.run { server in
                let output = Mutex("")
                let environment = ProgramRun.environment(home: root, ["FIXLOOP_HOME": root.appendingPathComponent("state").path,
                                                                      "GITHUB_API_URL": server.baseURL.absoluteString])
                let command = Task {
                    await Fixloop.run(arguments: ["setup-app", "--org", "acme", "--url", "https://fixloop.acme.example"], environment: environment,
                                      output: { text in output.withLock { $0 += text } }, errors: { text in output.withLock { $0 += text } })
                }
                var base: URL?
                for _ in 0..<100 where base == nil {
                    try await Task.sleep(for: .milliseconds(50))
                    base = output.withLock { $0 }.split(separator: " ").first { $0.hasPrefix("http://127.0.0.1:") }.flatMap { URL(string: String($0)) }
                }
                let page = try #require(base, "setup-app printed its address: \(output.withLock { $0 })")
                let (formStatus, form) = try await Self.get(page)
                #expect(formStatus == 200)
                #expect(form.contains("action=\"https://github.com/organizations/acme/settings/apps/new?state="))
                #expect(form.contains("&quot;default_events&quot;:[&quot;issues&quot;,&quot;issue_comment&quot;,&quot;pull_request&quot;,&quot;pull_request_review&quot;,&quot;pull_request_review_comment&quot;,&quot;check_run&quot;,&quot;check_suite&quot;,&quot;workflow_run&quot;,&quot;push&quot;]"), "\(form)")
                #expect(form.contains("&quot;pull_requests&quot;:&quot;write&quot;") && form.contains("https://fixloop.acme.example/webhooks/github"))
                let state = try #require(form.components(separatedBy: "?state=").dropFirst().first?.prefix { $0 != "\"" })
                let callback = page.appendingPathComponent("callback")
                let (wrongStatus, _) = try await Self.get(URL(string: "\(callback.absoluteString)?code=stolen&state=not-this-one")!)
                #expect(wrongStatus == 400)
                let (status, done) = try await Self.get(URL(string: "\(callback.absoluteString)?code=abc123&state=\(state)")!)
                #expect(status == 200 && done.contains("The App is created"), "\(done)")
                #expect(await command.value == 0, "\(output.withLock { $0 })")
            }
            #expect(await github.state.manifestConversions == ["abc123"])
            let folder = root.appendingPathComponent("state/github-app")
            let app = GitHubTestState.convertedApp
            for (file, text) in [("app-id", "\(app.id)\n"), ("private-key.pem", app.pem), ("webhook-secret", app.webhookSecret + "\n")] {
                let path = folder.appendingPathComponent(file).path
                #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
                let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
                #expect(mode == 0o600, "\(file) has mode \(String(mode, radix: 8))")
            }
        }
    }

    @Test func anAppAlreadySetUpIsNotOverwritten() async throws {
        try await withTemporaryDirectory("fixloop-setup-app") { root in
            let folder = root.appendingPathComponent("state/github-app")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try "1\n".write(to: folder.appendingPathComponent("app-id"), atomically: true, encoding: .utf8)
            let errors = Mutex("")
            let status = await Fixloop.run(arguments: ["setup-app"], environment: ProgramRun.environment(home: root, ["FIXLOOP_HOME": root.appendingPathComponent("state").path]),
                                           output: { _ in }, errors: { text in errors.withLock { $0 += text } })
            #expect(status == 2)
            #expect(errors.withLock { $0 }.contains("app-id already exists"))
        }
    }
}
