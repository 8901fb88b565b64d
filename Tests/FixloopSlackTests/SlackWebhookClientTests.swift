import FixloopCore
import FixloopSlack
import FixloopTesting
import Foundation
import Testing

/// The week's summary posted to a Slack incoming webhook on loopback that answers as Slack does.
struct SlackWebhookClientTests {
    static let digest = ReviewDigest(
        product: "Shop", period: "2025-W23", nps: 22.4, previousNPS: 17.2, sessions: 1724,
        patterns: [.init(name: "500 on /checkout <script>", sessions: 41, decision: "ticket"), .init(name: "Search empty", sessions: 12, decision: "flag")],
        ticketsFixed: 1, ticketsTried: 2, ticketErrors: 1, spendUSD: 4.213, reviewURL: "https://reviews.example.com/2025-W23/review.html",
        reviewFile: "/srv/review/review.html")

    func client(_ server: LoopbackServer, path: String = SlackWebhookTestServer.hookPath, sleeper: RecordingSleeper = RecordingSleeper()) throws -> SlackWebhookClient {
        var client = try SlackWebhookClient(webhook: Secret(server.baseURL.absoluteString + path))
        client.retry.sleep = sleeper.sleep
        return client
    }

    @Test func theWeeksSummaryArrivesAsBlockKitWithTheNumbersAndALink() async throws {
        let slack = SlackWebhookTestServer()
        try await slack.run { server in try await client(server).post(SlackMessage.review(Self.digest)) }
        let message = try #require(await slack.state.messages.first)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let text = String(decoding: try encoder.encode(message), as: UTF8.self)
        #expect(message["text"] == .string("Shop weekly review · 2025-W23: NPS +22 ▲5, 1,724 sessions, 2 patterns, 1 of 2 (1 ended in an error) tickets fixed — https://reviews.example.com/2025-W23/review.html"))
        guard case .array(let blocks)? = message["blocks"] else { Issue.record("no blocks: \(text)"); return }
        #expect(blocks.compactMap { $0["type"] } == ["header", "section", "section", "actions", "context"])
        #expect(text.contains(#"*Implied NPS*\n+22 ▲5"#) && text.contains(#"*Model spend*\n$4.21"#) && text.contains(#"*Sessions*\n1,724"#))
        #expect(text.contains("500 on /checkout &lt;script&gt; — 41 sessions · ticket"), "pattern names are escaped")
        #expect(text.contains(#""url":"https://reviews.example.com/2025-W23/review.html""#))
    }

    @Test func aRateLimitIsWaitedOutAsSlackNamesIt() async throws {
        let slack = SlackWebhookTestServer()
        await slack.state.rateLimit(count: 2, retryAfter: 3)
        let sleeper = RecordingSleeper()
        try await slack.run { server in try await client(server, sleeper: sleeper).post(SlackMessage.review(Self.digest)) }
        #expect(sleeper.waits == [.seconds(3), .seconds(3)])
        #expect(await slack.state.messages.count == 1)
        #expect(await slack.state.attempts.count == 3)
    }

    @Test func aDeadWebhookIsAClearErrorThatDoesNotShowItsSecret() async throws {
        let slack = SlackWebhookTestServer()
        await slack.state.revoke()
        let error = await #expect(throws: SlackError.self) {
            try await slack.run { server in try await client(server).post(SlackMessage.review(Self.digest)) }
        }
        #expect(error?.code == "slack.dead_webhook")
        #expect(error?.message.contains("404 no_service") == true && error?.message.contains("XXXXXXXX") == false)
        #expect(await slack.state.attempts.count == 1, "a dead hook is not retried")
    }

    @Test func anEmptyMessageIsRefusedAsSlackRefusesIt() async throws {
        let slack = SlackWebhookTestServer()
        let error = await #expect(throws: SlackError.self) {
            try await slack.run { server in try await client(server).post(SlackMessage(text: "", blocks: [])) }
        }
        #expect(error?.code == "slack.invalid_payload" && error?.message.contains("400 no_text") == true)
    }

    @Test func aWebhookThatIsNoURLIsRefusedBeforeAnyCall() {
        #expect(throws: SlackError.self) { _ = try SlackWebhookClient(webhook: Secret("hooks.slack.com/services/T/B/X")) }
    }

    @Test func withoutAPreviousPeriodOrAnAddressTheMessageSaysLess() {
        var digest = Self.digest
        digest.previousNPS = nil
        digest.reviewURL = nil
        digest.patterns = (1...7).map { .init(name: "p\($0)", sessions: 10 - $0, decision: "flag") }
        let message = SlackMessage.review(digest)
        let text = String(decoding: try! JSONEncoder().encode(message.payload), as: UTF8.self)
        #expect(text.contains(#"*Implied NPS*\n+22""#) && !text.contains("actions"))
        #expect(text.contains("…and 2 more on the review page") && text.contains("review: `\\/srv\\/review\\/review.html`") || text.contains("review: `/srv/review/review.html`"))
    }
}
