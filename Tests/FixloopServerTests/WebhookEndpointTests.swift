import FixloopCore
import FixloopGitHub
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation
import Logging
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `POST /webhooks/github` on a real loopback port: signatures, replays, limits, and what gets queued.
@Suite(.serialized)
struct WebhookEndpointTests {
    static let secret = Secret("webhook-secret")
    static let linearSecret = Secret("linear-secret")
    static let adminToken = Secret("admin-token-0123456789abcdef")
    static let labelled = #"{"action": "labeled", "issue": {"number": 3, "title": "Total"}, "label": {"name": "fixloop"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}"#

    struct Scene {
        let server: LoopbackServer
        let store: SQLiteJobStore
        let progress: ProgressComments
        let metrics: ServerMetrics
        let followUps: FollowUps
        let github: GitHubTestState

        func post(_ body: String, event: String = "issues", delivery: String = UUID().uuidString, signature: String? = nil) async throws -> (Int, String) {
            var request = URLRequest(url: server.baseURL.appendingPathComponent("webhooks/github"))
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue(event, forHTTPHeaderField: "X-GitHub-Event")
            request.setValue(delivery, forHTTPHeaderField: "X-GitHub-Delivery")
            request.setValue(signature ?? WebhookSignature.sign(Data(body.utf8), secret: WebhookEndpointTests.secret), forHTTPHeaderField: "X-Hub-Signature-256")
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }

        func postLinear(_ body: String, signature: String? = nil) async throws -> (Int, String) {
            var request = URLRequest(url: server.baseURL.appendingPathComponent("webhooks/linear"))
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue(UUID().uuidString, forHTTPHeaderField: "Linear-Delivery")
            let hex = String(WebhookSignature.sign(Data(body.utf8), secret: WebhookEndpointTests.linearSecret).dropFirst(7))
            request.setValue(signature ?? hex, forHTTPHeaderField: "Linear-Signature")
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }

        func get(_ path: String) async throws -> String {
            var request = URLRequest(url: server.baseURL.appendingPathComponent(path))
            request.setValue("Bearer \(WebhookEndpointTests.adminToken.reveal())", forHTTPHeaderField: "Authorization")
            return String(decoding: try await URLSession.shared.data(for: request).0, as: UTF8.self)
        }
    }

    func withScene(_ body: (Scene) async throws -> Void) async throws {
        try await withTemporaryDirectory("fixloop-webhooks") { root in
            let store = SQLiteJobStore(database: try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite")))
            let githubServer = GitHubTestServer()
            for number in 1...7 { await githubServer.state.addIssue("acme/shop", title: "Issue \(number)", body: "") }
            try await githubServer.run { github in
                let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
                let connection = GitHubConnection(baseURL: github.baseURL, tokens: StaticGitHubToken(Secret("test-token")))
                let progress = ProgressComments(store: store, github: connection, logger: logger)
                let followUps = FollowUps()
                var intake = WebhookIntake(secret: Self.secret, triggers: TriggerSettings(), store: store, github: connection, progress: progress,
                                           followUps: followUps, logger: logger)
                intake.linear = (Self.linearSecret, "acme/shop")
                let metrics = ServerMetrics()
                let router = buildRouter(settings: ServerSettings(maxBodyBytes: 64 << 10, admin: .token(Self.adminToken)), intake: intake, metrics: metrics,
                                         sources: MetricsSources(jobs: { (try? await store.counts()) ?? [:] }, spendUSD: { 1.25 }))
                try await LoopbackServer.with(router) { server in
                    try await body(Scene(server: server, store: store, progress: progress, metrics: metrics, followUps: followUps, github: githubServer.state))
                    await followUps.drain()
                }
            }
        }
    }

    @Test func aLabelledIssueIsQueuedOnceAndItsReplayIsNot() async throws {
        try await withScene { scene in
            let (status, text) = try await scene.post(Self.labelled, delivery: "d-1")
            #expect(status == 202 && text.contains("queued"), "\(text)")
            let (again, againText) = try await scene.post(Self.labelled, delivery: "d-1")
            #expect(again == 202 && againText.contains("already received"))
            let relabelled = Self.labelled.replacingOccurrences(of: #""title": "Total""#, with: #""title": "Total", "updated_at": "2026-01-02T03:04:05Z""#)
            let (second, secondText) = try await scene.post(relabelled, delivery: "d-2")
            #expect(second == 202 && secondText.contains("already holds"), "a ticket has one active job")
            let jobs = try await scene.store.jobs(state: nil, limit: 10)
            #expect(jobs.count == 1 && jobs.first?.ticket == "gh:acme/shop#3" && jobs.first?.state == .queued)
            await scene.followUps.drain()
            let comments = await scene.github.comments
            #expect(comments.count == 1 && comments.first?.issue == 3 && comments.first?.body.contains("- [x] queued") == true)
            let stored = try await scene.store.job(jobs[0].id)
            #expect(stored?.progressCommentID == comments.first?.id)
        }
    }

    @Test func aMissingOrWrongSignatureIs401AndNothingIsQueued() async throws {
        try await withScene { scene in
            let (missing, _) = try await scene.post(Self.labelled, signature: "")
            let (wrong, _) = try await scene.post(Self.labelled, signature: WebhookSignature.sign(Data("other".utf8), secret: Self.secret))
            let (otherSecret, _) = try await scene.post(Self.labelled, signature: WebhookSignature.sign(Data(Self.labelled.utf8), secret: Secret("guess")))
            #expect([missing, wrong, otherSecret] == [Int](repeating: 401, count: 3))
            let jobs = try await scene.store.jobs(state: nil, limit: 10)
            #expect(jobs.isEmpty)
            #expect(scene.metrics.webhookCount("unauthorized") == 3)
        }
    }

    @Test func anOversizedBodyIs413AndMalformedJSONIs400AndUnknownEventsAre202() async throws {
        try await withScene { scene in
            let big = "{\"padding\": \"" + String(repeating: "x", count: 70 << 10) + "\"}"
            let (oversize, _) = try await scene.post(big)
            #expect(oversize == 413)
            let (malformed, _) = try await scene.post("{\"action\": ")
            #expect(malformed == 400)
            let (unknown, text) = try await scene.post(#"{"zen": "Keep it logically awesome."}"#, event: "ping")
            #expect(unknown == 202 && text.contains("ping"))
            let (push, _) = try await scene.post(#"{"ref": "refs/heads/main", "repository": {"full_name": "acme/shop"}}"#, event: "push")
            #expect(push == 202)
            let jobs = try await scene.store.jobs(state: nil, limit: 10)
            #expect(jobs.isEmpty)
        }
    }

    @Test func aCommentFromAUserWithoutWriteAccessIsIgnored() async throws {
        try await withScene { scene in
            await scene.github.setPermission("acme/shop", user: "mallory", "read")
            await scene.github.setPermission("acme/shop", user: "carol", "write")
            let (status, _) = try await scene.post(TriggerDecisionTests.comment("/fixloop fix", association: "CONTRIBUTOR", user: "mallory"), event: "issue_comment")
            #expect(status == 202)
            await scene.followUps.drain()
            let afterMallory = try await scene.store.jobs(state: nil, limit: 10)
            #expect(afterMallory.isEmpty)
            let asked = await scene.github.requests.contains { $0.path == "/repos/acme/shop/collaborators/mallory/permission" }
            #expect(asked)
            _ = try await scene.post(TriggerDecisionTests.comment("/fixloop fix keep the API", association: "CONTRIBUTOR", user: "carol"), event: "issue_comment")
            await scene.followUps.drain()
            let afterCarol = try await scene.store.jobs(state: nil, limit: 10)
            #expect(afterCarol.map(\.trigger) == ["/fixloop fix by carol"])
            #expect(try await scene.store.job(afterCarol[0].id)?.requestText == "keep the API", "the queue keeps the command's text")
        }
    }

    @Test func stopCancelsTheActiveJobAndMetricsCountIt() async throws {
        try await withScene { scene in
            _ = try await scene.post(Self.labelled)
            let (status, text) = try await scene.post(TriggerDecisionTests.comment("/fixloop stop", association: "MEMBER").replacingOccurrences(of: "\"number\": 7", with: "\"number\": 3"), event: "issue_comment")
            #expect(status == 202 && text.contains("cancelled"), "\(text)")
            let jobs = try await scene.store.jobs(state: nil, limit: 10)
            #expect(jobs.map(\.state) == [.cancelled])
            let metrics = try await scene.get("metrics")
            #expect(metrics.contains("fixloop_jobs{state=\"cancelled\"} 1"))
            #expect(metrics.contains("fixloop_webhooks_total{result=\"queued\"} 1"))
            #expect(metrics.contains("fixloop_model_spend_usd_total 1.25"))
            #expect(metrics.contains("fixloop_webhook_duration_seconds_count 2"))
            let health = try await scene.get("healthz")
            #expect(health == "ok\n")
        }
    }

    static func linearIssue(before: [String]?, secondsAgo: Double = 1) -> String {
        let previous = before.map { #", "updatedFrom": {"labelIds": [\#($0.map { "\"\($0)\"" }.joined(separator: ", "))]}"# } ?? ""
        return """
            {"action": "update", "type": "Issue", "data": {"identifier": "ENG-42", "labels": [{"id": "l-fix", "name": "fixloop"}]}\(previous),
             "webhookTimestamp": \(Int((Date().timeIntervalSince1970 - secondsAgo) * 1000))}
            """
    }

    @Test func aLinearIssueGivenTheLabelIsQueuedForTheConfiguredRepository() async throws {
        try await withScene { scene in
            let (status, text) = try await scene.postLinear(Self.linearIssue(before: ["l-other"]))
            #expect(status == 202 && text.contains("queued"), "\(text)")
            let (already, alreadyText) = try await scene.postLinear(Self.linearIssue(before: ["l-fix"]).replacingOccurrences(of: "ENG-42", with: "ENG-43"))
            #expect(already == 202 && alreadyText.contains("already there"))
            let jobs = try await scene.store.jobs(state: nil, limit: 5)
            #expect(jobs.map(\.ticket) == ["linear:ENG-42"] && jobs.first?.repository == "acme/shop")
        }
    }

    @Test func aLinearDeliveryWithABadSignatureOrAnOldTimestampIs401() async throws {
        try await withScene { scene in
            let (bad, _) = try await scene.postLinear(Self.linearIssue(before: []), signature: "00ff")
            let (stale, staleText) = try await scene.postLinear(Self.linearIssue(before: [], secondsAgo: 120))
            #expect(bad == 401 && stale == 401 && staleText.contains("60 s"))
            let jobs = try await scene.store.jobs(state: nil, limit: 5)
            #expect(jobs.isEmpty)
        }
    }

    @Test func aDeletedProgressCommentIsStartedAgain() async throws {
        try await withScene { scene in
            _ = try await scene.post(Self.labelled)
            await scene.followUps.drain()
            let jobs = try await scene.store.jobs(state: nil, limit: 1)
            let job = try #require(jobs.first)
            await scene.github.fail("PATCH", pathPrefix: "/repos/acme/shop/issues/comments/", status: 404, message: "Not Found")
            await scene.progress.show(job, "second")
            let comments = await scene.github.comments
            #expect(comments.map(\.body).last == "second" && comments.count == 2)
            let stored = try await scene.store.job(job.id)
            #expect(stored?.progressCommentID == comments.last?.id)
        }
    }
}
