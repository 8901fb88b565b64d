@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopPostgres
import FixloopServer
import FixloopTesting
import Foundation
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two `fixloop serve` processes (the built binary, each with its own state directory: mirrors and workspaces are
/// per machine) sharing one store through `[store] url`: every signed delivery sent to both, every job run once,
/// one draft pull request per ticket; then one process killed mid-job and the other taking the job after its lease.
@Suite(.serialized)
struct ServeSharedStoreTests {
    let e2e = FixEndToEndTests()
    static let tickets = 40

    @Test(.timeLimit(.minutes(15)))
    func twoServersRunEachTicketOnceAndTakeOverAKilledOnesJob() async throws {
        let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("fixloop")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-serve-shared") { root in
            let scene = try await e2e.makeScene(root)
            let storeURL = try SharedStore.url(root)
            let config = root.appendingPathComponent("fixloop.toml")
            try "[serve]\nlease_seconds = 10\nworkers = 2\nper_repository = 4\n\n[store]\nurl = \"\(storeURL)\"\npool_size = 4\n"
                .write(to: config, atomically: true, encoding: .utf8)
            let github = GitHubTestServer()
            var numbers: [Int] = []
            for index in 1...Self.tickets {
                numbers.append(await github.state.addIssue("acme/shop", title: "Cart total is negative (\(index))", body: FixEndToEndTests.ticket))
            }
            let slow = await github.state.addIssue("acme/shop", title: "Cart total is negative (slow)", body: FixEndToEndTests.ticket + "\n\nslow-marker\n")
            try await withLoopbackModelServer(.openAI) { model in
                // By content, since two processes ask at once: triage has no tools; the slow ticket's first edit hangs.
                let hung = Mutex(false)
                await model.respond { request in
                    guard request.body["tools"] != nil else { return FixEndToEndTests.triageBug }
                    if "\(request.body)".contains("slow-marker"), hung.withLock({ first in defer { first = true }; return !first }) {
                        return .hang(.seconds(300))
                    }
                    return .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall])
                }
                try await github.run { server in
                    let environment = [
                        "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key",
                        "FIXLOOP_CONFIG": config.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": root.path,
                        "GITHUB_API_URL": server.baseURL.absoluteString, "GITHUB_TOKEN": "test-token", "GITHUB_WEBHOOK_SECRET": "hook-secret",
                    ]
                    let servers = try await ["a", "b"].asyncMap { name in
                        try await ServeProcess.start(binary, environment: environment.merging(["FIXLOOP_HOME": root.appendingPathComponent("state-\(name)").path]) { $1 },
                                                     cloneFrom: "acme/shop=\(scene.remote.path)")
                    }
                    defer { servers.forEach { $0.kill() } }
                    let context = CommandContext(configuration: try FixloopConfiguration.load(explicitPath: config.path, environment: environment, currentDirectory: root.path),
                                                 state: StateDirectory(root: root.appendingPathComponent("state-test")), environment: environment)
                    let store = try await StoreBackend.open(context).jobs

                    // Each delivery to one server, then again (same delivery id) to the other.
                    for (index, number) in numbers.enumerated() {
                        let delivery = "delivery-\(number)"
                        let first = try await ServeProcess.deliver(number: number, delivery: delivery, to: servers[index % 2].port)
                        let again = try await ServeProcess.deliver(number: number, delivery: delivery, to: servers[(index + 1) % 2].port)
                        #expect(first == 202 && again == 202, "delivery \(delivery): \(first) then \(again)")
                    }
                    var jobs: [Job] = []
                    for _ in 0..<1200 {
                        jobs = try await store.jobs(state: nil, limit: 1000)
                        if jobs.count >= Self.tickets, jobs.allSatisfy({ $0.state == .done || $0.state == .failed }) { break }
                        try await Task.sleep(for: .milliseconds(250))
                    }
                    #expect(jobs.count == Self.tickets, "one job per ticket, duplicates dropped")
                    #expect(jobs.allSatisfy { $0.state == .done && $0.attempts == 1 }, "\(jobs.filter { $0.state != .done || $0.attempts != 1 })")
                    #expect(Set(jobs.compactMap(\.prURL)).count == Self.tickets)
                    let engineerCalls = await model.received().filter { $0.body["tools"] != nil }.count
                    #expect(engineerCalls == Self.tickets, "each job ran once")
                    if storeURL.hasPrefix("postgres") {
                        let database = try PostgresURL(parsing: storeURL).database
                        let recorded = try PostgresTestCluster.shared().psql(database: database, "SELECT count(*) FROM fix_run WHERE status <> 'running'")
                        #expect(recorded.trimmingCharacters(in: .whitespacesAndNewlines) == "\(Self.tickets)", "the runs are in the shared store")
                        let calls = Int(try PostgresTestCluster.shared().psql(database: database, "SELECT count(*) FROM model_call")
                            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                        #expect(calls >= 2 * Self.tickets, "the model calls are in the shared ledger: \(calls)")
                    }
                    let runs = try ["a", "b"].map { name in
                        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("state-\(name)/runs").path).count
                    }
                    #expect(runs.allSatisfy { $0 > 0 } && runs.reduce(0, +) == Self.tickets, "both servers ran jobs, each once: \(runs)")

                    // The slow ticket: the server that claims it is killed while its edit hangs; the other takes it.
                    let status = try await ServeProcess.deliver(number: slow, delivery: "delivery-\(slow)", to: servers[0].port)
                    #expect(status == 202)
                    for _ in 0..<400 where !hung.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(100)) }
                    let running = try #require(try await store.jobs(state: .running, limit: 5).first, "the slow ticket's job runs")
                    let owner = try #require(running.leaseOwner.map(ServeProcess.processName))
                    let victim = try #require(servers.first { owner.hasSuffix("-\($0.pid)") }, "\(owner) is one of the servers")
                    victim.kill()
                    var resumed: Job?
                    for _ in 0..<240 {
                        resumed = try await store.job(running.id)
                        if resumed?.state == .done || resumed?.state == .failed { break }
                        try await Task.sleep(for: .milliseconds(250))
                    }
                    #expect(resumed?.state == .done && resumed?.attempts == 2, "\(String(describing: resumed))")
                }
            }
            let pulls = (await github.state.pullRequests["acme/shop"] ?? [:]).values
            #expect(pulls.count == Self.tickets + 1, "one draft pull request per ticket")
            #expect(Set(pulls.map(\.head)).count == pulls.count, "no duplicate")
            #expect(pulls.allSatisfy { $0.draft })
            let slowPulls = pulls.filter { $0.title.contains("(slow)") || $0.body.contains("#\(slow)") }
            #expect(slowPulls.count == 1, "the killed job's ticket has one pull request: \(slowPulls.map(\.title))")
        }
    }
}

/// The store both servers share: the test process's PostgreSQL cluster, else (PostgreSQL not installed) one SQLite
/// file, which two processes on one machine share safely.
enum SharedStore {
    static func url(_ root: URL) throws -> String {
        guard PostgresTestCluster.isAvailable else { return "sqlite:" + root.appendingPathComponent("shared.sqlite").path }
        let cluster = try PostgresTestCluster.shared()
        return cluster.url(database: try cluster.makeDatabase())
    }
}

/// One `fixloop serve` process of the built binary, on a port of its choosing.
struct ServeProcess: Sendable {
    let process: Process
    let port: Int
    var pid: Int32 { process.processIdentifier }

    static func start(_ binary: URL, environment: [String: String], cloneFrom: String) async throws -> ServeProcess {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--model", "openai:test-model", "--clone-from", cloneFrom]
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard let port = await ServeKillTests.port(from: output.fileHandleForReading) else {
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            throw CommandError(code: "test.serve", message: "fixloop serve did not say where it listens")
        }
        return ServeProcess(process: process, port: port)
    }

    /// SIGKILL, and waits for the end.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// `host-pid` of a lease owner `host-pid-wN`.
    static func processName(_ leaseOwner: String) -> String {
        leaseOwner.range(of: "-w", options: .backwards).map { String(leaseOwner[..<$0.lowerBound]) } ?? leaseOwner
    }

    static func deliver(number: Int, delivery: String, to port: Int) async throws -> Int {
        let body = Data("""
            {"action": "labeled", "issue": {"number": \(number)}, "label": {"name": "fixloop"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}
            """.utf8)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/webhooks/github")!)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("issues", forHTTPHeaderField: "X-GitHub-Event")
        request.setValue(delivery, forHTTPHeaderField: "X-GitHub-Delivery")
        request.setValue(WebhookSignature.sign(body, secret: Secret("hook-secret")), forHTTPHeaderField: "X-Hub-Signature-256")
        return (try await URLSession.shared.data(for: request).1 as? HTTPURLResponse)?.statusCode ?? 0
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
