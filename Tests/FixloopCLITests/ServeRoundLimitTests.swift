@testable import FixloopCLI
import FixloopCore
import FixloopServer
import FixloopTesting
import Foundation
import Testing

/// `[serve] max_rounds_per_day`: rounds of every pull request in the last 24 hours, across the installation.
@Suite(.serialized)
struct ServeRoundLimitTests {
    let e2e = FixEndToEndTests()
    let serve = ServeRevisionTests()

    @Test func aRoundPastMaxRoundsPerDayIsRefusedWithOneCommentThatNamesTheDailyLimitAndTheKindOfRound() async throws {
        try await withTemporaryDirectory("fixloop-serve-rounds-day") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket)
            await github.state.addPullRequest("acme/shop", title: "Fix: Cart total is negative", body: "Fixes #1", head: ServeRevisionTests.branch)
            var settings = ServeSettings()
            settings.maxRoundsPerDay = 2
            try await github.run { server in
                try await serve.withBot(scene, model: nil, github: server, settings: settings) { bot in
                    // Two rounds today on other pull requests, one two days ago; none on #2, far below max_rounds.
                    let now = Date()
                    for (number, at) in [(3, now.addingTimeInterval(-2 * 86_400)), (4, now.addingTimeInterval(-3_600)), (5, now)] {
                        var request = JobRequest(ticket: "gh:acme/shop#\(number)", repository: "acme/shop", trigger: "a round", rerunsFinished: true)
                        request.kind = .revision
                        _ = try await bot.wiring.store.enqueue(request, now: at)
                        let job = try #require(try await bot.wiring.store.claim(worker: "w", now: at, lease: .seconds(60), perRepositoryLimit: 5))
                        try await bot.wiring.store.finish(job.id, worker: "w", state: .done, summary: "revised", prURL: nil, costUSD: 0, now: at)
                    }
                    for delivery in 1...2 {
                        try await serve.deliver("pull_request_review_comment", ServeRevisionTests.reviewComment(
                            id: 8100 + delivery, body: "Rename the helper.", login: "alice", association: "OWNER"), id: "d-\(delivery)", to: bot)
                    }
                    await bot.wiring.followUps.drain()
                    #expect(try await bot.wiring.store.jobs(state: .queued, limit: 5).isEmpty)
                }
            }
            let comments = await github.state.comments.filter { $0.issue == 2 }.map(\.body)
            #expect(comments.count == 1, "\(comments)")
            let comment = try #require(comments.first)
            #expect(comment.contains("max_rounds_per_day") && comment.contains("run 2 rounds"), "the round of two days ago is not counted: \(comment)")
            #expect(comment.contains("this review round"), "\(comment)")
        }
    }
}
