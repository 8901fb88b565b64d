@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Logging
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `fixloop serve` process killed with SIGKILL in the middle of a job: once the lease expires, another worker
/// resumes the job once, and the ticket ends with one pull request and one progress comment.
@Suite(.serialized)
struct ServeKillTests {
    let e2e = FixEndToEndTests()

    @Test func aWorkerKilledMidJobIsResumedOnceAfterItsLease() async throws {
        let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("fixloop")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-serve-kill") { root in
            let scene = try await e2e.makeScene(root)
            let config = root.appendingPathComponent("fixloop.toml")
            try "[serve]\nlease_seconds = 10\nworkers = 1\n".write(to: config, atomically: true, encoding: .utf8)
            let github = GitHubTestServer()
            let number = await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(FixEndToEndTests.triageBug, .hang(.seconds(120)))
                try await github.run { server in
                    let environment = [
                        "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key", "FIXLOOP_HOME": scene.state.path,
                        "FIXLOOP_CONFIG": config.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": root.path,
                        "GITHUB_API_URL": server.baseURL.absoluteString, "GITHUB_TOKEN": "test-token", "GITHUB_WEBHOOK_SECRET": "hook-secret",
                    ]
                    // The first server: a real process, killed while the model hangs.
                    let process = Process()
                    process.executableURL = binary
                    process.arguments = ["serve", "--port", "0", "--model", "openai:test-model", "--clone-from", "acme/shop=\(scene.remote.path)"]
                    process.environment = environment
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = FileHandle.nullDevice
                    try process.run()
                    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
                    let port = try #require(await Self.port(from: output.fileHandleForReading), "serve printed where it listens")
                    let status = try await Self.deliver(number: number, to: URL(string: "http://127.0.0.1:\(port)/webhooks/github")!)
                    #expect(status == 202)
                    var hanging = false
                    for _ in 0..<300 where !hanging {
                        try await Task.sleep(for: .milliseconds(100))
                        hanging = await model.received().count >= 2
                    }
                    #expect(hanging, "the first worker reached the edit loop")
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()

                    // A new server on the same state: the job comes back once the dead worker's lease expires.
                    await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall]))
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
                    #expect(jobs.count == 1 && jobs.first?.state == .done && jobs.first?.attempts == 2, "\(jobs)")
                    let again = try await wiring.workers.runNext(worker: "second-w0")
                    #expect(!again, "a done job is not run a third time")
                }
            }
            let pulls = await github.state.pullRequests["acme/shop"] ?? [:]
            #expect(pulls.count == 1)
            let comments = await github.state.comments.filter { $0.issue == number }
            #expect(comments.count == 1 && comments.first?.body.contains("opened a draft pull request") == true, "\(comments.map(\.body))")
        }
    }

    /// Reads `fixloop serve: listening on http://HOST:PORT …` from the process's output, on a thread of its own
    /// (the read blocks, and the cooperative pool has only as many threads as cores).
    static func port(from handle: FileHandle) async -> Int? {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: readPort(from: handle)) }
        }
    }

    private static func readPort(from handle: FileHandle) -> Int? {
        var text = ""
        while !text.contains("\n") {
            let data = handle.availableData
            if data.isEmpty { return nil }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: #":(\d+) with"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst().dropLast(5))
    }

    static func deliver(number: Int, to url: URL) async throws -> Int? {
        let body = Data("""
            {"action": "labeled", "issue": {"number": \(number)}, "label": {"name": "fixloop"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}
            """.utf8)
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("issues", forHTTPHeaderField: "X-GitHub-Event")
        request.setValue(UUID().uuidString, forHTTPHeaderField: "X-GitHub-Delivery")
        request.setValue(WebhookSignature.sign(body, secret: Secret("hook-secret")), forHTTPHeaderField: "X-Hub-Signature-256")
        return (try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode
    }
}
