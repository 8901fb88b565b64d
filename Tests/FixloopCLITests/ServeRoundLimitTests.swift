@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopServer
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// The round limits: `[serve] max_rounds_per_day` (rounds of every pull request in the last 24 hours), and
/// `[serve] max_rounds` counting the rounds of `fixloop revise` beside the bot's own round jobs.
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

    /// Two of the bot's round jobs (the second with its run recorded) and then `extra` rounds from `fixloop revise` (runs
    /// with no job); a review comment follows. - Returns: whether it was queued, and the pull request's comments.
    func afterRounds(_ root: URL, fromTerminal extra: Int) async throws -> (queued: Bool, comments: [String]) {
        let scene = try await e2e.makeScene(root)
        let github = GitHubTestServer()
        await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket)
        await github.state.addPullRequest("acme/shop", title: "Fix: Cart total is negative", body: "Fixes #1", head: ServeRevisionTests.branch)
        let queued = try await github.run { server in
            try await serve.withBot(scene, model: nil, github: server) { bot in
                let runs = SQLiteRunStore(database: try FixloopDatabase(url: StateDirectory(root: scene.state).database))
                for round in 1...2 {
                    var request = JobRequest(ticket: "gh:acme/shop#2", repository: "acme/shop", trigger: "round \(round)", rerunsFinished: true)
                    request.kind = .revision
                    _ = try await bot.wiring.store.enqueue(request, now: Date())
                    let job = try #require(try await bot.wiring.store.claim(worker: "w", now: Date(), lease: .seconds(60), perRepositoryLimit: 5))
                    var record = RunRecord(id: "run-job-\(round)", ticket: "gh:acme/shop#1", repository: "acme/shop", host: "test", pid: 1)
                    (record.kind, record.pullRequest, record.jobID) = (.revision, "gh:acme/shop#2", job.id)
                    _ = try runs.start(record)
                    try runs.finish(record.id, status: .fixed, branch: nil, prURL: nil, reason: nil)
                    try await bot.wiring.store.finish(job.id, worker: "w", state: .done, summary: "revised", prURL: nil, costUSD: 0, now: Date())
                }
                for index in 0..<extra {
                    var record = RunRecord(id: "run-revise-\(index)", ticket: "gh:acme/shop#1", repository: "acme/shop", host: "test", pid: 1)
                    (record.kind, record.pullRequest) = (.revision, "gh:acme/shop#2")
                    _ = try runs.start(record)
                    try runs.finish(record.id, status: .fixed, branch: nil, prURL: nil, reason: nil)
                }
                try await serve.deliver("pull_request_review_comment", ServeRevisionTests.reviewComment(
                    id: 8200, body: "One more thing.", login: "alice", association: "OWNER"), id: "d-1", to: bot)
                await bot.wiring.followUps.drain()
                return !(try await bot.wiring.store.jobs(state: .queued, limit: 5).isEmpty)
            }
        }
        return (queued, await github.state.comments.filter { $0.issue == 2 }.map(\.body))
    }

    @Test func aRoundOfFixloopReviseCountsTowardMaxRoundsAndAJobsOwnRunIsNotCountedTwice() async throws {
        try await withTemporaryDirectory("fixloop-serve-rounds-revise") { root in
            let below = try await afterRounds(root.appendingPathComponent("below"), fromTerminal: 0)
            #expect(below.queued && below.comments.isEmpty, "two rounds, each a job and its run, are two: \(below.comments)")
            let at = try await afterRounds(root.appendingPathComponent("at"), fromTerminal: 1)
            #expect(!at.queued, "two jobs and one fixloop revise round are three, the limit")
            #expect(at.comments.count == 1 && at.comments.first?.contains("has had 3 rounds") == true, "\(at.comments)")
        }
    }
}
