import FixloopCore
import FixloopScorer
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

@testable import FixloopCLI

/// `fixloop score --batch` and `--collect` against loopback servers speaking OpenAI's Batch API and Anthropic's
/// Message Batches: submitted then collected by a rerun, expired and partly failed batches repaired by direct
/// calls, and the ledger priced at the batch rate.
@Suite(.serialized)
struct ScoreBatchTests {
    let helper = ScoreCommandTests()

    /// A priced model of each provider: gpt-4.1 (batch $1/$4 a million) and claude-sonnet-4-5 (batch $1.50/$7.50).
    static func spec(_ wire: LoopbackModelServer.WireProtocol) -> String {
        wire == .openAI ? "openai:gpt-4.1" : "anthropic:claude-sonnet-4-5"
    }

    /// The batch price of one answer of the plan's usage (1,000 tokens in, 100 out).
    static func batchCost(_ wire: LoopbackModelServer.WireProtocol) -> Double {
        wire == .openAI ? (1000 * 1.0 + 100 * 4.0) / 1_000_000 : (1000 * 1.5 + 100 * 7.5) / 1_000_000
    }

    func environment(root: URL, server: LoopbackBatchServer) -> [String: String] {
        var environment = helper.environment(root: root, model: nil)
        switch server.wireProtocol {
        case .openAI:
            environment["OPENAI_BASE_URL"] = server.baseURL.absoluteString
            environment["OPENAI_API_KEY"] = "sk-test-key"
        case .anthropic:
            environment["ANTHROPIC_BASE_URL"] = server.baseURL.absoluteString
            environment["ANTHROPIC_API_KEY"] = "sk-ant-test-key"
        }
        return environment
    }

    func arguments(_ export: URL?, root: URL, wire: LoopbackModelServer.WireProtocol, _ extra: [String]) throws -> [String] {
        let file = root.appendingPathComponent("fixloop.toml")
        try "[scorer]\nbatch_poll_seconds = 0.02\n".write(to: file, atomically: true, encoding: .utf8)
        return ["score"] + (export.map { ["--import", $0.path] } ?? [])
            + ["--model", Self.spec(wire), "--grading", "all", "--yes", "--json", "--config", file.path] + extra
    }

    func scores(_ root: URL) throws -> SQLiteScoreStore {
        SQLiteScoreStore(database: try FixloopDatabase(url: root.appendingPathComponent("state").appendingPathComponent("fixloop.sqlite")))
    }

    func ledger(_ root: URL) throws -> SQLiteLedgerStore {
        SQLiteLedgerStore(database: try FixloopDatabase(url: root.appendingPathComponent("state").appendingPathComponent("fixloop.sqlite")))
    }

    /// The lines said about the batches (in the JSON report; the same lines go to standard error without --json).
    func notes(_ text: String) throws -> String {
        ((try helper.json(text)["batches"] as? [String: Any])?["notes"] as? [String] ?? []).joined(separator: "\n")
    }

    static let grade: @Sendable (JSONValue) -> String = { _ in ScoreCommandTests.validGrade }

    @Test(arguments: [LoopbackModelServer.WireProtocol.openAI, .anthropic])
    func aBatchSubmittedWithoutWaitingIsCollectedByALaterRunAndEverySessionHasOneScore(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withTemporaryDirectory("fixloop-score-batch") { root in
            let (url, _) = try helper.export(in: root, sessions: 6)
            try await withLoopbackBatchServer(wire) { server in
                await server.setPlan(BatchServerPlan(runningPolls: 2, reply: Self.grade))
                let environment = environment(root: root, server: server)
                // The run submits and returns at once, as an interrupted run would have left it.
                let (status, text, errors) = await runFixloopSeparately(
                    try arguments(url, root: root, wire: wire, ["--batch", "--wait", "0"]), environment: environment)
                #expect(status == 0, "\(text)\(errors)")
                let first = try #require(try helper.json(text)["grading"] as? [String: Any])
                #expect(first["pending"] as? Int == 6 && first["model"] as? Int == 0, "\(first)")
                #expect(try notes(text).contains("submitted: 6 sessions"), "\(text)")
                let batches = await server.batches()
                #expect(batches.count == 1 && batches[0].requests.count == 6)
                #expect(try await scores(root).scores().count == 6)

                // Still running: a collect that does not wait says so and changes nothing.
                let (waiting, waitingText, waitingErrors) = await runFixloopSeparately(
                    try arguments(nil, root: root, wire: wire, ["--collect", "--wait", "0"]), environment: environment)
                #expect(waiting == 0, "\(waitingText)\(waitingErrors)")
                let said = try notes(waitingText)
                #expect(said.contains("is in_progress") || said.contains("is finalizing"), "\(waitingText)")
                #expect(said.contains("collect it later with fixloop score --collect"), "\(said)")

                // A rerun of --batch while it runs submits nothing again: its sessions are waiting for it.
                let (rerun, rerunText, rerunErrors) = await runFixloopSeparately(
                    try arguments(nil, root: root, wire: wire, ["--batch", "--wait", "0"]), environment: environment)
                #expect(rerun == 0, "\(rerunText)\(rerunErrors)")
                #expect(await server.batches().count == 1, "the running batch's sessions were submitted again")
                #expect((try helper.json(rerunText)["grading"] as? [String: Any])?["pending"] as? Int == 6)

                let (collected, collectedText, collectedErrors) = await runFixloopSeparately(
                    try arguments(nil, root: root, wire: wire, ["--collect"]), environment: environment)
                #expect(collected == 0, "\(collectedText)\(collectedErrors)")
                let grading = try #require(try helper.json(collectedText)["grading"] as? [String: Any])
                #expect(grading["model"] as? Int == 6 && grading["batched"] as? Int == 6 && grading["pending"] as? Int == 0, "\(grading)")
                #expect(await server.batches().count == 1, "nothing was submitted again")
                #expect(await server.directRequests().isEmpty)
                let stored = try await scores(root).scores()
                #expect(stored.count == 6 && Set(stored.map(\.sessionID)).count == 6)
                #expect(stored.allSatisfy { $0.modelGrade != nil && $0.promptHash != nil })

                // A rerun reuses the grades: no batch, no call.
                let (again, againText, _) = await runFixloopSeparately(
                    try arguments(nil, root: root, wire: wire, ["--batch"]), environment: environment)
                #expect(again == 0)
                #expect((try helper.json(againText)["grading"] as? [String: Any])?["reused"] as? Int == 6)
                #expect(await server.batches().count == 1)
            }
        }
    }

    @Test(arguments: [LoopbackModelServer.WireProtocol.openAI, .anthropic])
    func theLedgerPricesEveryBatchAnswerAtTheBatchRate(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withTemporaryDirectory("fixloop-score-batch-price") { root in
            let (url, _) = try helper.export(in: root, sessions: 4)
            try await withLoopbackBatchServer(wire) { server in
                await server.setPlan(BatchServerPlan(runningPolls: 1, inputTokens: 1000, outputTokens: 100, reply: Self.grade))
                let (status, text, errors) = await runFixloopSeparately(
                    try arguments(url, root: root, wire: wire, ["--batch"]), environment: environment(root: root, server: server))
                #expect(status == 0, "\(text)\(errors)")
                let id = try #require(await server.batches().first?.id)
                let rows = try await ledger(root).summary(since: .distantPast, by: .run)
                let batch = try #require(rows.first { $0.key == "batch-" + id }, "\(rows)")
                #expect(batch.calls == 4)
                #expect(abs(batch.costUSD - 4 * Self.batchCost(wire)) < 1e-9, "\(batch.costUSD)")
                let grading = try #require(try helper.json(text)["grading"] as? [String: Any])
                #expect(abs((grading["cost_usd"] as? Double ?? 0) - 4 * Self.batchCost(wire)) < 1e-9, "\(grading)")
            }
        }
    }

    @Test(arguments: [LoopbackModelServer.WireProtocol.openAI, .anthropic])
    func anExpiredBatchHasItsUnansweredSessionsGradedDirectlyWithALineSayingSo(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withTemporaryDirectory("fixloop-score-batch-expired") { root in
            let (url, _) = try helper.export(in: root, sessions: 5)
            try await withLoopbackBatchServer(wire) { server in
                await server.setPlan(BatchServerPlan(runningPolls: 1, ending: .expired(answered: 2), reply: Self.grade))
                let (status, text, errors) = await runFixloopSeparately(
                    try arguments(url, root: root, wire: wire, ["--batch"]), environment: environment(root: root, server: server))
                #expect(status == 0, "\(text)\(errors)")
                #expect(try notes(text).contains("expired with 2 of 5 answered; the other 3 sessions are graded directly"), "\(text)")
                let grading = try #require(try helper.json(text)["grading"] as? [String: Any])
                #expect(grading["model"] as? Int == 5 && grading["batched"] as? Int == 2 && grading["repaired"] as? Int == 3, "\(grading)")
                #expect(await server.directRequests().count == 3)
                #expect(await server.batches().count == 1)
                #expect(try await scores(root).scores().allSatisfy { $0.modelGrade != nil })
            }
        }
    }

    @Test(arguments: [LoopbackModelServer.WireProtocol.openAI, .anthropic])
    func aPartlyFailedBatchHasItsFailedAndRejectedRepliesRepairedByDirectCalls(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withTemporaryDirectory("fixloop-score-batch-partial") { root in
            let (url, _) = try helper.export(in: root, sessions: 6)
            try await withLoopbackBatchServer(wire) { server in
                // Requests 1 and 4 error; every batch reply to a session whose prompt mentions "g" is fine, but the
                // first request's reply breaks the contract (score 11), so it is repaired with the problems.
                let first = LockedFlag()
                await server.setPlan(BatchServerPlan(runningPolls: 1, errored: [1, 4]) { body in
                    let repair = body.jsonText.contains("was not accepted")
                    return !repair && first.takeFirst() ? #"{"score": 11, "intent": "buy"}"# : ScoreCommandTests.validGrade
                })
                let (status, text, errors) = await runFixloopSeparately(
                    try arguments(url, root: root, wire: wire, ["--batch"]), environment: environment(root: root, server: server))
                #expect(status == 0, "\(text)\(errors)")
                #expect(try notes(text).contains("ended with 2 of 6 requests failed; they are graded directly"), "\(text)")
                let grading = try #require(try helper.json(text)["grading"] as? [String: Any])
                #expect(grading["model"] as? Int == 6 && grading["batched"] as? Int == 3 && grading["repaired"] as? Int == 3, "\(grading)")
                let direct = await server.directRequests()
                #expect(direct.count == 3)
                #expect(direct.filter { $0.jsonText.contains("was not accepted") }.count == 1)
                let stored = try await scores(root).scores()
                #expect(stored.count == 6 && stored.allSatisfy { $0.modelGrade != nil })
            }
        }
    }

    @Test func waitWithoutBatchOrCollectIsRefused() async throws {
        try await withTemporaryDirectory("fixloop-score-batch-wait") { root in
            let (status, text) = await runFixloop(["score", "--model", "none", "--wait", "0"], environment: helper.environment(root: root, model: nil))
            #expect(status == 2, "\(text)")
            #expect(text.contains("--wait applies to --batch and --collect"), "\(text)")
        }
    }
}

/// True the first time only, from any task.
final class LockedFlag: Sendable {
    private let taken = Mutex(false)
    func takeFirst() -> Bool {
        taken.withLock { value in
            defer { value = true }
            return !value
        }
    }
}
