import Foundation

/// The scorer's submitted grading batches (`grading_batch`, `grading_batch_request`): a rerun or `score --collect`,
/// on this machine or another that shares the store, finds them here and takes their results instead of submitting
/// again.
///
/// Taking a batch's results ends with ``markCollected(batchID:phase:)``, a claim: when two runs collect the same
/// batch at once, one of them is told it marked it, and only that one settles it (records its spend).
public protocol GradingBatchStore: Sendable {
    /// Records a submitted batch (phase `running`, not collected) and its requests, all or none of them.
    /// - Throws: the store's error, also when the batch id is recorded already.
    func record(batchID: String, model: String, entries: [GradingBatchEntry], at date: Date) async throws

    /// The batches of `model` whose results were not taken yet, oldest first.
    func openBatches(model: String) async throws -> [GradingBatchRecord]

    /// Every batch, newest first.
    func batches() async throws -> [GradingBatchRecord]

    /// The requests of a batch, by custom id (byte order); empty for an unknown batch.
    func entries(batchID: String) async throws -> [GradingBatchEntry]

    /// Notes the phase a poll saw of a batch whose results were not taken; a collected batch stays as it is.
    func notePhase(batchID: String, phase: String) async throws

    /// Claims a batch's results: marks it collected, with the phase it ended in, unless it is already.
    /// - Returns: true for the one caller that marked it; false when it was collected already (by another run, on
    ///   any machine) or is unknown.
    func markCollected(batchID: String, phase: String) async throws -> Bool
}

extension GradingBatchStore {
    /// Records a batch submitted now.
    public func record(batchID: String, model: String, entries: [GradingBatchEntry]) async throws {
        try await record(batchID: batchID, model: model, entries: entries, at: Date())
    }
}
