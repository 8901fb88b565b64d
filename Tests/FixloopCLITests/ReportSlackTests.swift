import FixloopCore
import FixloopTesting
import Foundation
import Testing

@testable import FixloopCLI

/// `fixloop report --slack-webhook`: the week's summary on a loopback Slack webhook, after the files are written.
@Suite(.serialized)
struct ReportSlackTests {
    @Test func theWeeksSummaryIsPostedWithALinkToThePublishedPage() async throws {
        try await withTemporaryDirectory("fixloop-report-slack") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let config = root.appendingPathComponent("fixloop.toml")
            try "[report]\nurl = \"https://reviews.example.com/shop/review.html\"\n".write(to: config, atomically: true, encoding: .utf8)
            let slack = SlackWebhookTestServer()
            let (status, text) = try await slack.run { server in
                await runFixloop(["report", "--week", "2025-W23", "--out", root.appendingPathComponent("review").path, "--config", config.path,
                                  "--slack-webhook", server.baseURL.absoluteString + SlackWebhookTestServer.hookPath],
                                 environment: ["FIXLOOP_HOME": home.path, "HOME": home.path, "PATH": "/usr/bin:/bin"])
            }
            #expect(status == 0 && text.contains("posted the summary to Slack (127.0.0.1)"), "\(text)")
            let message = try #require(await slack.state.messages.first)
            let fallback = try #require(message["text"]?.stringValue)
            #expect(fallback.hasPrefix("Weekly review · 2025-W23: NPS ") || fallback.contains("weekly review · 2025-W23: NPS "), "\(fallback)")
            #expect(fallback.hasSuffix("— https://reviews.example.com/shop/review.html"))
            #expect(fallback.contains("sessions") && fallback.contains("tickets fixed"))
        }
    }

    @Test func aDeadWebhookIsExit2AfterTheReviewIsWritten() async throws {
        try await withTemporaryDirectory("fixloop-report-dead") { root in
            let home = try await ReportCommandTests.scoredHome(root)
            let out = root.appendingPathComponent("review")
            let slack = SlackWebhookTestServer()
            await slack.state.revoke()
            let (status, text) = try await slack.run { server in
                await runFixloop(["report", "--week", "2025-W23", "--out", out.path],
                                 environment: ["FIXLOOP_HOME": home.path, "HOME": home.path, "PATH": "/usr/bin:/bin",
                                               "FIXLOOP_SLACK_WEBHOOK": server.baseURL.absoluteString + SlackWebhookTestServer.hookPath])
            }
            #expect(status == 2, "\(text)")
            #expect(text.contains("[slack.dead_webhook]") && text.contains("404 no_service") && text.contains("The review itself was written: \(out.path)/review.html"))
            #expect(!text.contains("XXXXXXXX"), "the webhook's secret part is never shown")
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("review.html").path))
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("review.md").path))
        }
    }
}
