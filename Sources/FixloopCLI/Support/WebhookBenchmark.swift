import FixloopCore
import FixloopServer
import FixloopStore
import Foundation
import Logging
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Signed `issues.labeled` deliveries, each for a new issue, driven at the real server on loopback by
/// `concurrency` clients; every accepted one writes its delivery id and a queued job to a real store.
struct WebhookBenchmark {
    let deliveries: Int
    let concurrency: Int
    let folder: URL

    struct Result: Codable {
        var deliveries: Int
        var accepted: Int
        var seconds: Double
        var acceptedPerSecond: Double
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        var bodyBytes: Int
        var concurrency: Int
    }

    func measure() async throws -> Result {
        let secret = Secret("bench-secret-\(UUID().uuidString)")
        let store = SQLiteJobStore(database: try FixloopDatabase(url: folder.appendingPathComponent("bench.sqlite")))
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let intake = WebhookIntake(secret: secret, triggers: TriggerSettings(), store: store, github: nil, progress: nil, logger: logger)
        let settings = ServerSettings(host: "127.0.0.1", port: 0)
        let sources = MetricsSources(jobs: { [:] }, spendUSD: { 0 })
        let bodies = (1...deliveries).map { Self.payload(issue: $0) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = concurrency
        let session = URLSession(configuration: configuration)
        return try await withServer(settings: settings, intake: intake, metrics: ServerMetrics(), sources: sources, logger: logger) { port in
            let url = URL(string: "http://127.0.0.1:\(port)/webhooks/github")!
            // Warm up the connections and the store.
            for index in 0..<min(concurrency, 8) { _ = try? await Self.post(session, url, Self.payload(issue: -index - 1), secret: secret) }
            let clock = ContinuousClock()
            let start = clock.now
            let samples = await withTaskGroup(of: [(Int, Double)].self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        var results: [(Int, Double)] = []
                        var index = lane
                        while index < bodies.count {
                            let sent = clock.now
                            let status = (try? await Self.post(session, url, bodies[index], secret: secret)) ?? 0
                            let elapsed = sent.duration(to: clock.now)
                            results.append((status, elapsed.inMilliseconds))
                            index += concurrency
                        }
                        return results
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            let total = start.duration(to: clock.now)
            let seconds = total.inSeconds
            let accepted = samples.filter { $0.0 == 202 }.count
            let latencies = samples.map(\.1).sorted()
            func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            return Result(deliveries: deliveries, accepted: accepted, seconds: seconds, acceptedPerSecond: Double(accepted) / seconds,
                          p50Milliseconds: percentile(0.5), p99Milliseconds: percentile(0.99), maxMilliseconds: latencies.last ?? 0,
                          bodyBytes: bodies.first?.count ?? 0, concurrency: concurrency)
        }
    }

    static func post(_ session: URLSession, _ url: URL, _ body: Data, secret: Secret) async throws -> Int {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("issues", forHTTPHeaderField: "X-GitHub-Event")
        request.setValue(UUID().uuidString, forHTTPHeaderField: "X-GitHub-Delivery")
        request.setValue(WebhookSignature.sign(body, secret: secret), forHTTPHeaderField: "X-Hub-Signature-256")
        let (_, response) = try await session.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// An `issues.labeled` payload of about the size GitHub sends (repository and user objects included).
    static func payload(issue: Int) -> Data {
        let user = #"{"login": "alice", "id": 1, "type": "User", "site_admin": false, "html_url": "https://github.com/alice", "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4"}"#
        let filler = (0..<40).map { "\"\($0)_url\": \"https://api.github.com/repos/acme/shop/\($0)\"" }.joined(separator: ", ")
        let body = String(repeating: "Steps to reproduce: add two items, open the cart, see a negative total. ", count: 20)
        let text = """
            {"action": "labeled", "issue": {"number": \(issue), "title": "Cart total is negative \(issue)", "body": "\(body)", "user": \(user),
             "labels": [{"name": "bug"}, {"name": "fixloop"}], "state": "open", "comments": 0, "author_association": "OWNER"},
             "label": {"name": "fixloop", "color": "5319e7"}, "repository": {"id": 42, "name": "shop", "full_name": "acme/shop", "private": false,
             "owner": \(user), \(filler)}, "sender": \(user), "installation": {"id": 7}}
            """
        return Data(text.utf8)
    }
}
