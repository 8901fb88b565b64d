import FixloopCore
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation
import Logging
import Testing

/// The `pull_request` closed-and-merged webhook records the merge for the healing loop; anything else is not a merge.
struct MergeWebhookTests {
    static let secret = Secret("webhook-secret")
    static func payload(action: String = "closed", merged: Bool = true) -> String {
        #"{"action": "\#(action)", "number": 7, "pull_request": {"number": 7, "html_url": "https://github.com/acme/shop/pull/7", "head": {"ref": "fixloop/12-checkout-total", "sha": "def456"}, "merged": \#(merged), "merged_at": "2025-06-10T09:30:00Z", "merge_commit_sha": "abc123"}, "repository": {"full_name": "acme/shop"}, "sender": {"login": "alice"}}"#
    }

    @Test func aClosedAndMergedPullRequestIsAMerge() throws {
        let merge = try #require(TriggerDecision.merge(event: "pull_request", body: Data(Self.payload().utf8)))
        #expect(merge == PullRequestMerge(pullRequest: "https://github.com/acme/shop/pull/7", commit: "abc123",
                                          mergedAt: Date(timeIntervalSince1970: 1_749_547_800), source: .webhook))
    }

    @Test(arguments: [("pull_request", MergeWebhookTests.payload(merged: false)), ("pull_request", MergeWebhookTests.payload(action: "opened")), ("issues", MergeWebhookTests.payload())])
    func otherDeliveriesAreNoMerge(event: String, body: String) {
        #expect(TriggerDecision.merge(event: event, body: Data(body.utf8)) == nil)
    }

    @Test func theIntakeRecordsTheMergeInTheStore() async throws {
        try await withTemporaryDirectory("fixloop-merge-webhook") { root in
            let database = try FixloopDatabase(url: root.appendingPathComponent("fixloop.sqlite"))
            let healing = SQLiteHealingStore(database: database)
            var intake = WebhookIntake(secret: Self.secret, triggers: TriggerSettings(), store: SQLiteJobStore(database: database), github: nil,
                                       progress: nil, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            intake.merges = healing
            let body = Data(Self.payload().utf8)
            let reply = await intake.receive(event: "pull_request", delivery: "d-1", signature: WebhookSignature.sign(body, secret: Self.secret), body: body)
            #expect(reply.result == "merged", "\(reply)")
            let merge = try #require(try await healing.merge(pullRequest: "https://github.com/acme/shop/pull/7"))
            #expect(merge.commit == "abc123" && merge.source == .webhook)
            #expect(try await SQLiteJobStore(database: database).counts().values.reduce(0, +) == 0, "a merge queues no job")
        }
    }
}
