@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Logging
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `fixloop serve` process killed with SIGKILL in the middle of a revision round: after its lease, a new server
/// completes the round once — one new commit on the branch, one reply on the pull request.
@Suite(.serialized)
struct ServeRevisionKillTests {
    let e2e = FixEndToEndTests()

    @Test func aRoundKilledMidwayCompletesOnceAfterARestart() async throws {
        let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("fixloop")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-serve-revise-kill") { root in
            let scene = try await e2e.makeScene(root)
            let config = root.appendingPathComponent("fixloop.toml")
            try "[serve]\nlease_seconds = 10\nworkers = 1\n".write(to: config, atomically: true, encoding: .utf8)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["bug"])
            try await withLoopbackModelServer(.openAI) { model in
                try await github.run { server in
                    let first = try await ReviseEndToEndTests().openPullRequest(scene, model: model, github: server)
                    let before = await model.received().count
                    let comment = await github.state.addReviewComment(
                        "acme/shop", pullRequest: 2, body: "Say the unit.", path: "shop/cart.py", line: 5, author: "alice", association: "MEMBER")
                    await model.enqueue(.hang(.seconds(120)))
                    let environment = [
                        "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key", "FIXLOOP_HOME": scene.state.path,
                        "FIXLOOP_CONFIG": config.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": root.path,
                        "GITHUB_API_URL": server.baseURL.absoluteString, "GITHUB_TOKEN": "test-token", "GITHUB_WEBHOOK_SECRET": "hook-secret",
                    ]
                    let process = Process()
                    process.executableURL = binary
                    process.arguments = ["serve", "--port", "0", "--model", "openai:test-model", "--clone-from", "acme/shop=\(scene.remote.path)"]
                    process.environment = environment
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
                    let port = try #require(await ServeKillTests.port(from: output.fileHandleForReading), "serve printed where it listens")
                    let body = Data(ServeRevisionTests.reviewComment(id: comment, body: "Say the unit.", login: "alice", association: "MEMBER").utf8)
                    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/webhooks/github")!)
                    request.httpMethod = "POST"
                    request.httpBody = body
                    request.setValue("pull_request_review_comment", forHTTPHeaderField: "X-GitHub-Event")
                    request.setValue("d-kill", forHTTPHeaderField: "X-GitHub-Delivery")
                    request.setValue(WebhookSignature.sign(body, secret: Secret("hook-secret")), forHTTPHeaderField: "X-Hub-Signature-256")
                    #expect((try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode == 202)
                    var hanging = false
                    for _ in 0..<600 where !hanging {
                        try await Task.sleep(for: .milliseconds(100))
                        hanging = await model.received().count > before
                    }
                    #expect(hanging, "the first server's round reached the model")
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()

                    await model.enqueue(.toolCalls([
                        FixEndToEndTests.fixCall(search: "        result += price", replace: "        result += price  # in cents"),
                        ReviseEndToEndTests.submit("[C\(comment)] Said the unit."),
                    ]))
                    let context = CommandContext(configuration: try FixloopConfiguration.load(explicitPath: config.path, environment: environment, currentDirectory: root.path),
                                                 state: StateDirectory(root: scene.state), environment: environment)
                    let wiring = try await ServeWiring(context: context, settings: context.configuration.serve, jobs: .init(model: .init(provider: .openai, name: "test-model")),
                                                       cloneFrom: ["acme/shop": scene.remote.path], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
                    var resumed = false
                    for _ in 0..<60 where !resumed {
                        resumed = try await wiring.workers.runNext(worker: "second-w0")
                        if !resumed { try await Task.sleep(for: .milliseconds(500)) }
                    }
                    #expect(resumed)
                    let jobs = try await wiring.store.jobs(state: nil, limit: 5)
                    #expect(jobs.count == 1 && jobs.first?.kind == .revision && jobs.first?.state == .done && jobs.first?.attempts == 2, "\(jobs)")
                    #expect(try await !wiring.workers.runNext(worker: "second-w0"), "the round is not run a third time")
                    let head = try #require(try await GitFixture.revParse("refs/heads/\(ReviseEndToEndTests.branch)", in: scene.remote))
                    let parent = try await GitCommandLine.run(["rev-parse", "\(head)^"], in: scene.remote).output.trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(head != first && parent == first, "one new commit on top of the first")
                }
            }
            let replies = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(replies.count == 1 && replies.first?.contains("Said the unit.") == true, "\(replies)")
        }
    }
}
