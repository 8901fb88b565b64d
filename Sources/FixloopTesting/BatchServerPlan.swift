import FixloopCore
import Foundation

/// How a ``LoopbackBatchServer`` answers the batches made on it: how many polls show it running, how it ends, which
/// requests error, and the model's text for each request.
public struct BatchServerPlan: Sendable {
    /// How a batch ends.
    public enum Ending: Sendable, Hashable {
        /// Every request answered (OpenAI `completed`; Anthropic `ended`).
        case completed
        /// The window passed after the first `answered` requests (OpenAI `expired`; Anthropic `ended` with the rest
        /// `expired`).
        case expired(answered: Int)
        /// OpenAI only: the batch failed as a whole (`failed`, with this reason).
        case failed(String)
    }

    /// Polls that see the batch still running before it ends (OpenAI walks `validating`, `in_progress`,
    /// `finalizing`; Anthropic stays `in_progress`).
    public var runningPolls: Int
    /// How it ends.
    public var ending: Ending
    /// Positions (0-based, in the order sent) of requests answered with an error.
    public var errored: Set<Int>
    /// The model's text for a request, given the request's body (Chat Completions' or Messages').
    public var reply: @Sendable (JSONValue) -> String
    /// The usage reported for each answer.
    public var inputTokens: Int
    public var outputTokens: Int

    /// Makes a plan.
    public init(runningPolls: Int = 2, ending: Ending = .completed, errored: Set<Int> = [], inputTokens: Int = 1000,
                outputTokens: Int = 100, reply: @escaping @Sendable (JSONValue) -> String) {
        self.runningPolls = runningPolls
        self.ending = ending
        self.errored = errored
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.reply = reply
    }
}

/// A batch as the loopback server keeps it.
public struct LoopbackBatch: Sendable {
    /// The batch id.
    public var id: String
    /// The requests as sent: custom id and body.
    public var requests: [(customID: String, body: JSONValue)]
    /// Polls answered so far.
    public var polls: Int
    /// What the server does with it.
    var plan: BatchServerPlan

    /// True once the polls have run out.
    var hasEnded: Bool { polls > plan.runningPolls }

    /// What became of request `index` once the batch has ended: nil for an answer, else the failure.
    func failure(at index: Int) -> BatchItemResult? {
        if case .failed(let reason) = plan.ending { return .errored(reason) }
        if case .expired(let answered) = plan.ending, index >= answered { return .expired }
        if plan.errored.contains(index) { return .errored("loopback: request \(index) was refused on purpose") }
        return nil
    }
}

/// The loopback batch server's record: files, batches, polls.
actor BatchServerState {
    private(set) var files: [String: Data] = [:]
    private(set) var batches: [String: LoopbackBatch] = [:]
    private(set) var order: [String] = []
    private var plans: [BatchServerPlan] = []
    private var defaultPlan = BatchServerPlan { _ in "{}" }
    private var counter = 0

    private(set) var direct: [JSONValue] = []

    func setPlan(_ plan: BatchServerPlan) { defaultPlan = plan }

    /// Records a direct call and gives the plan that answers it.
    func directCall(_ body: JSONValue) -> BatchServerPlan {
        direct.append(body)
        return defaultPlan
    }
    func enqueue(_ plan: BatchServerPlan) { plans.append(plan) }

    func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)"
    }

    func storeFile(_ data: Data) -> String {
        let id = nextID("file-")
        files[id] = data
        return id
    }

    func file(_ id: String) -> Data? { files[id] }

    func makeBatch(prefix: String, requests: [(customID: String, body: JSONValue)]) -> LoopbackBatch {
        let plan = plans.isEmpty ? defaultPlan : plans.removeFirst()
        let batch = LoopbackBatch(id: nextID(prefix), requests: requests, polls: 0, plan: plan)
        batches[batch.id] = batch
        order.append(batch.id)
        return batch
    }

    /// Counts a poll and gives the batch as it is after it.
    func poll(_ id: String) -> LoopbackBatch? {
        batches[id]?.polls += 1
        return batches[id]
    }

    func batch(_ id: String) -> LoopbackBatch? { batches[id] }

    var all: [LoopbackBatch] { order.compactMap { batches[$0] } }
}
