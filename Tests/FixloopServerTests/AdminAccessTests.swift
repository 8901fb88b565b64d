import FixloopCore
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation
import Logging
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `GET /` (the week's review) and `GET /metrics` on a real loopback port: not served without an admin token, 401
/// with a wrong one, served with the right one or on the second listener on 127.0.0.1; webhooks and `/healthz` stay open.
@Suite(.serialized)
struct AdminAccessTests {
    static let token = Secret("admin-token-0123456789abcdef")
    static let review = "<html><p>session 4f2a: the checkout failed</p></html>"

    static func sources() -> MetricsSources {
        MetricsSources(jobs: { [:] }, spendUSD: { 0.5 }, reviewPage: { AdminAccessTests.review })
    }

    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a webhook intake over a store in a temporary folder.
    static func withIntake(_ body: (WebhookIntake) async throws -> Void) async throws {
        try await withTemporaryDirectory("fixloop-admin") { root in
            let store = SQLiteJobStore(database: try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite")))
            try await body(WebhookIntake(secret: Secret("webhook-secret"), triggers: TriggerSettings(), store: store, github: nil, progress: nil, logger: logger))
        }
    }

    /// Serves the public router with `admin` on a loopback port for `body`.
    static func serve(_ admin: AdminAccess, _ body: (LoopbackServer) async throws -> Void) async throws {
        try await withIntake { intake in
            let router = buildRouter(settings: ServerSettings(admin: admin), intake: intake, metrics: ServerMetrics(), sources: sources())
            try await LoopbackServer.with(router) { server in try await body(server) }
        }
    }

    static func get(_ url: URL, bearer: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: url)
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func theReviewAndMetricsAreNotServedWithoutAnAdminToken() async throws {
        try await Self.serve(.closed) { server in
            let (page, pageText) = try await Self.get(server.baseURL)
            let (metrics, metricsText) = try await Self.get(server.baseURL.appendingPathComponent("metrics"))
            #expect(page == 404 && !pageText.contains("session 4f2a"))
            #expect(metrics == 404 && !metricsText.contains("fixloop_"))
            let (withToken, _) = try await Self.get(server.baseURL, bearer: Self.token.reveal())
            #expect(withToken == 404, "no token configured: nothing opens the pages")
            let (health, healthText) = try await Self.get(server.baseURL.appendingPathComponent("healthz"))
            #expect(health == 200 && healthText == "ok\n")
        }
    }

    @Test func theReviewAndMetricsNeedTheBearerToken() async throws {
        try await Self.serve(.token(Self.token)) { server in
            let metricsURL = server.baseURL.appendingPathComponent("metrics")
            for bearer in [nil, "wrong", "admin-token-0123456789abcdeX", Self.token.reveal() + "x", ""] as [String?] {
                let (page, pageText) = try await Self.get(server.baseURL, bearer: bearer)
                let (metrics, _) = try await Self.get(metricsURL, bearer: bearer)
                #expect(page == 401 && metrics == 401 && !pageText.contains("session 4f2a"), "bearer \(bearer ?? "none")")
            }
            let (page, pageText) = try await Self.get(server.baseURL, bearer: Self.token.reveal())
            let (metrics, metricsText) = try await Self.get(metricsURL, bearer: Self.token.reveal())
            #expect(page == 200 && pageText == Self.review)
            #expect(metrics == 200 && metricsText.contains("fixloop_model_spend_usd_total 0.5"))
            let (health, _) = try await Self.get(server.baseURL.appendingPathComponent("healthz"))
            #expect(health == 200)
        }
    }

    @Test func theAdminListenerOnLoopbackServesThePagesAndThePublicOneDoesNot() async throws {
        try await Self.withIntake { intake in
            let ports = Mutex<(Int, Int)>((0, 0))
            let (started, continuation) = AsyncStream<Void>.makeStream()
            let app = buildApplication(
                settings: ServerSettings(host: "127.0.0.1", port: 0, adminPort: 0), intake: intake, metrics: ServerMetrics(), sources: Self.sources(),
                services: [], logger: Self.logger,
                onRunning: { port in
                    if ports.withLock({ $0.0 = port; return $0.1 != 0 }) { continuation.finish() }
                },
                onAdminRunning: { port in
                    if ports.withLock({ $0.1 = port; return $0.0 != 0 }) { continuation.finish() }
                })
            let task = Task { try await app.run() }
            defer { task.cancel() }
            for await _ in started {}
            let (publicPort, adminPort) = ports.withLock { $0 }
            #expect(publicPort != adminPort)
            let (publicPage, _) = try await Self.get(URL(string: "http://127.0.0.1:\(publicPort)/")!)
            let (publicMetrics, _) = try await Self.get(URL(string: "http://127.0.0.1:\(publicPort)/metrics")!)
            #expect(publicPage == 404 && publicMetrics == 404)
            let (adminPage, adminText) = try await Self.get(URL(string: "http://127.0.0.1:\(adminPort)/")!)
            let (adminMetrics, _) = try await Self.get(URL(string: "http://127.0.0.1:\(adminPort)/metrics")!)
            #expect(adminPage == 200 && adminText == Self.review && adminMetrics == 200)
            task.cancel()
            _ = await task.result
        }
    }

    @Test(arguments: [
        ("Bearer admin-token-0123456789abcdef", true), ("bearer admin-token-0123456789abcdef", true),
        ("Bearer admin-token-0123456789abcde", false), ("Basic admin-token-0123456789abcdef", false),
        ("admin-token-0123456789abcdef", false), ("Bearer ", false),
    ])
    func aBearerTokenMatchesOnlyExactly(header: String, expected: Bool) {
        #expect(AdminAccess.isAuthorized(header, token: Self.token) == expected)
    }
}

