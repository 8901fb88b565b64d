import FixloopCore
import FixloopModels
import FixloopScorer
import FixloopStore
import Foundation

/// `score --batch` and `score --collect`: the provider's batch interface, the batches the store remembers, and
/// how long to wait for them.
struct BatchGrading: Sendable {
    /// The provider's batch interface for the grading model.
    let client: any BatchClient
    /// Records each answered request in the ledger at the batch rate.
    let keeper: SpendKeeper
    /// The grading model's price (nil: unpriced, the cost is then 0).
    let price: ModelPrice?
    /// Where the submitted batches are remembered (``StoreBackend/gradingBatches``: PostgreSQL with `[store] url`).
    let store: any GradingBatchStore
    /// Submit the sessions that need a grade and are in no batch (false for `--collect`).
    var submits = true
    /// How long to wait for running batches: nil until they end, zero to poll once and return.
    var wait: Duration?
    /// Time between two polls.
    var pollInterval: Duration = .seconds(60)
    /// Told each line worth saying (submitted, still running, expired, failed); also kept in the report.
    var say: @Sendable (String) -> Void = { _ in }
    /// The clock, for the wait's deadline and the sleep between polls.
    var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    /// What became of the batches in one run.
    struct Report: Sendable, Codable, Equatable {
        /// Batches submitted by this run.
        var submitted: [String] = []
        /// Batches whose results this run took.
        var collected: [String] = []
        /// Batches still running when the run returned, with their provider state.
        var running: [Running] = []
        /// The lines said (submitted, expired, failed, still running).
        var notes: [String] = []

        struct Running: Sendable, Codable, Equatable {
            var id: String
            var state: String
            var requests: Int
            var answered: Int
        }
    }

    /// What the open batches of the store gave: answers by session, sessions still waiting, batches ended.
    struct Collection: Sendable {
        var answers: [String: (entry: GradingBatchEntry, answer: SessionGrader.BatchAnswer)] = [:]
        var waiting: [String: GradingBatchEntry] = [:]
        /// Ended batches, with the usage of each answered request (recorded once the grades are saved).
        var ended: [(status: BatchStatus, usages: [TokenUsage])] = []
        var running: [Report.Running] = []
    }

    /// Polls the open batches of the model until each has ended or the wait is over, and reads the results of those
    /// that ended.
    func collect(report: inout Report) async throws -> Collection {
        let deadline = wait.map { ContinuousClock.now + $0 }
        var collection = Collection()
        var open = try await store.openBatches(model: client.spec.description)
        while true {
            var stillRunning: [(GradingBatchRecord, BatchStatus)] = []
            for batch in open {
                let status = try await client.status(of: batch.id)
                if status.phase.isFinished {
                    try await take(status, of: batch, into: &collection, report: &report)
                } else {
                    try await store.notePhase(batchID: batch.id, phase: status.phase.rawValue)
                    stillRunning.append((batch, status))
                }
            }
            open = stillRunning.map(\.0)
            if open.isEmpty { break }
            if let deadline, ContinuousClock.now + pollInterval > deadline {
                for (batch, status) in stillRunning {
                    for entry in try await store.entries(batchID: batch.id) { collection.waiting[entry.sessionID] = entry }
                    let running = Report.Running(id: batch.id, state: status.providerState, requests: batch.requests, answered: status.succeeded)
                    collection.running.append(running)
                    note("batch \(batch.id) is \(status.providerState): \(status.succeeded) of \(batch.requests) answered so far; "
                         + "collect it later with fixloop score --collect", &report)
                }
                report.running = collection.running
                break
            }
            try await sleep(pollInterval)
        }
        return collection
    }

    private func take(_ status: BatchStatus, of batch: GradingBatchRecord, into collection: inout Collection, report: inout Report) async throws {
        let results = status.phase == .failed ? [:] : try await client.results(of: status)
        var usages: [TokenUsage] = []
        var failed = 0
        for entry in try await store.entries(batchID: batch.id) {
            let answer: SessionGrader.BatchAnswer
            switch results[entry.customID] {
            case .succeeded(let reply)?:
                usages.append(reply.usage)
                answer = .reply(GradingReply(text: reply.message.content, costUSD: price?.batchCost(of: reply.usage) ?? 0))
            case .errored(let reason)?: answer = .failed(reason)
            case .expired?: answer = .failed("the batch expired before it was answered")
            case .cancelled?: answer = .failed("the batch was cancelled")
            case nil: answer = .failed(status.reason ?? "the batch has no result for it")
            }
            if case .failed = answer { failed += 1 }
            collection.answers[entry.sessionID] = (entry, answer)
        }
        collection.ended.append((status, usages))
        report.collected.append(batch.id)
        switch status.phase {
        case .expired, .cancelled:
            note("batch \(batch.id) \(status.phase == .expired ? "expired" : "was cancelled") with \(batch.requests - failed) of "
                 + "\(batch.requests) answered; the other \(failed) sessions are graded directly", &report)
        case .failed:
            note("batch \(batch.id) failed (\(status.reason ?? "no reason given")); its \(batch.requests) sessions are graded directly", &report)
        default:
            if failed > 0 { note("batch \(batch.id) ended with \(failed) of \(batch.requests) requests failed; they are graded directly", &report) }
        }
    }

    /// Marks the ended batches collected and records what their answers cost at the batch rate; called once their
    /// grades are saved, so a kill before it makes the rerun take the same results again. Marking is a claim: when
    /// another run (on any machine) collected a batch at the same time, the one that marked it records its spend,
    /// the other records nothing (a kill between the mark and the ledger loses that batch's spend, never doubles it).
    func settle(_ collection: Collection) async throws {
        for (status, usages) in collection.ended {
            guard try await store.markCollected(batchID: status.id, phase: status.phase.rawValue) else { continue }
            for usage in usages {
                try await keeper.recordBatchAnswer(spec: client.spec, attribution: CallAttribution(runID: "batch-" + status.id), usage: usage)
            }
        }
    }

    /// Submits the requests, cut at the provider's limits, and remembers each batch and its sessions.
    func submit(_ requests: [(BatchRequest, GradingBatchEntry)], report: inout Report) async throws {
        let entries = Dictionary(uniqueKeysWithValues: requests.map { ($0.0.customID, $0.1) })
        for group in client.limits.split(requests.map(\.0), size: client.serializedSize(of:)) {
            let id = try await client.submit(group)
            try await store.record(batchID: id, model: client.spec.description, entries: group.compactMap { request in
                entries[request.customID].map { entry in
                    var entry = entry
                    entry.batchID = id
                    return entry
                }
            })
            report.submitted.append(id)
            note("batch \(id) submitted: \(group.count) sessions to \(client.spec.description) at the batch price", &report)
        }
    }

    private func note(_ line: String, _ report: inout Report) {
        report.notes.append(line)
        say(line)
    }
}
