import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// The scorer's grading-batch store on both backends: what `score --batch` records, what `score --collect` reads
/// back, and the claim that settles a batch once when two machines collect it at the same time.
struct GradingBatchStoreConformanceTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func entries(_ batchID: String, _ customIDs: [String]) -> [GradingBatchEntry] {
        customIDs.map { GradingBatchEntry(batchID: batchID, customID: $0, sessionID: "s-" + $0, timelineHash: "t-" + $0, promptHash: "p-" + $0) }
    }

    @Test(arguments: StoreBackend.available)
    func recordedBatchesAreReadBackOpenPerModelOldestFirstWithTheirRequestsInByteOrder(backend: StoreBackend) async throws {
        try await backend.withGradingBatchStore { store, _ in
            try await store.record(batchID: "batch-b", model: "openai:gpt-4.1", entries: Self.entries("batch-b", ["g2", "G3", "g10", "g1", "g-4"]),
                                   at: Self.start.addingTimeInterval(60))
            try await store.record(batchID: "batch-a", model: "openai:gpt-4.1", entries: Self.entries("batch-a", ["g0"]), at: Self.start)
            try await store.record(batchID: "batch-c", model: "anthropic:claude-sonnet-4-5", entries: Self.entries("batch-c", ["g0", "g1"]),
                                   at: Self.start.addingTimeInterval(120))

            let open = try await store.openBatches(model: "openai:gpt-4.1")
            #expect(open == [
                GradingBatchRecord(id: "batch-a", model: "openai:gpt-4.1", submittedAt: Self.start, requests: 1, phase: "running", collected: false),
                GradingBatchRecord(id: "batch-b", model: "openai:gpt-4.1", submittedAt: Self.start.addingTimeInterval(60), requests: 5,
                                   phase: "running", collected: false),
            ])
            #expect(try await store.openBatches(model: "anthropic:claude-sonnet-4-5").map(\.id) == ["batch-c"])
            #expect(try await store.openBatches(model: "openai:gpt-4.1-mini").isEmpty)
            #expect(try await store.batches().map(\.id) == ["batch-c", "batch-b", "batch-a"])

            let entries = try await store.entries(batchID: "batch-b")
            #expect(entries.map(\.customID) == ["G3", "g-4", "g1", "g10", "g2"], "custom ids in byte order, whatever the server's collation")
            #expect(entries.first == GradingBatchEntry(batchID: "batch-b", customID: "G3", sessionID: "s-G3", timelineHash: "t-G3", promptHash: "p-G3"))
            #expect(try await store.entries(batchID: "batch-unknown").isEmpty)
        }
    }

    @Test(arguments: StoreBackend.available)
    func aPollNotesThePhaseOfAnOpenBatchButNeverReopensACollectedOne(backend: StoreBackend) async throws {
        try await backend.withGradingBatchStore { store, _ in
            try await store.record(batchID: "batch-1", model: "openai:gpt-4.1", entries: Self.entries("batch-1", ["g0", "g1"]), at: Self.start)
            try await store.notePhase(batchID: "batch-1", phase: "finalizing")
            #expect(try await store.openBatches(model: "openai:gpt-4.1").map(\.phase) == ["finalizing"])

            #expect(try await store.markCollected(batchID: "batch-1", phase: "completed"))
            #expect(try await store.openBatches(model: "openai:gpt-4.1").isEmpty)
            #expect(try await !store.markCollected(batchID: "batch-1", phase: "expired"), "a collected batch is collected once")
            // A slower run that polled the batch before it was collected notes what it saw: nothing changes.
            try await store.notePhase(batchID: "batch-1", phase: "running")
            let batch = try #require(try await store.batches().first)
            #expect(batch.phase == "completed" && batch.collected)
            #expect(try await store.openBatches(model: "openai:gpt-4.1").isEmpty)
            #expect(try await store.entries(batchID: "batch-1").count == 2, "a collected batch keeps its requests")
            #expect(try await !store.markCollected(batchID: "batch-unknown", phase: "completed"))
        }
    }

    @Test(arguments: StoreBackend.available)
    func aBatchIsRecordedWithAllItsRequestsOrNotAtAll(backend: StoreBackend) async throws {
        try await backend.withGradingBatchStore { store, _ in
            await #expect(throws: (any Error).self) {
                try await store.record(batchID: "batch-1", model: "openai:gpt-4.1", entries: Self.entries("batch-1", ["g0", "g1", "g0"]), at: Self.start)
            }
            #expect(try await store.batches().isEmpty)
            #expect(try await store.entries(batchID: "batch-1").isEmpty)

            try await store.record(batchID: "batch-1", model: "openai:gpt-4.1", entries: Self.entries("batch-1", ["g0"]), at: Self.start)
            await #expect(throws: (any Error).self, "a batch id is recorded once") {
                try await store.record(batchID: "batch-1", model: "openai:gpt-4.1", entries: Self.entries("batch-1", ["g7", "g8"]), at: Self.start)
            }
            #expect(try await store.batches().map(\.requests) == [1])
            #expect(try await store.entries(batchID: "batch-1").map(\.customID) == ["g0"])
        }
    }

    @Test(arguments: StoreBackend.available)
    func aBatchOfTheProvidersLargestSizeIsRecordedWhole(backend: StoreBackend) async throws {
        try await backend.withGradingBatchStore { store, _ in
            let customIDs = (0..<12_000).map { "g\($0)" }
            try await store.record(batchID: "batch-big", model: "openai:gpt-4.1", entries: Self.entries("batch-big", customIDs), at: Self.start)
            let entries = try await store.entries(batchID: "batch-big")
            #expect(entries.count == 12_000)
            #expect(Set(entries.map(\.sessionID)) == Set(customIDs.map { "s-" + $0 }))
            #expect(try await store.batches().first?.requests == 12_000)
        }
    }

    /// Two machines collecting the same batches at once: each batch is marked collected by exactly one of them, so
    /// only one records its spend.
    @Test(arguments: StoreBackend.available)
    func twoHandlesCollectingTheSameBatchesAtOnceMarkEachOnce(backend: StoreBackend) async throws {
        try await backend.withGradingBatchStore { store, open in
            let ids = (0..<20).map { "batch-\($0)" }
            for (index, id) in ids.enumerated() {
                try await store.record(batchID: id, model: "openai:gpt-4.1", entries: Self.entries(id, ["g0"]), at: Self.start.addingTimeInterval(Double(index)))
            }
            let first = try await open()
            let second = try await open()
            let marked = try await withThrowingTaskGroup(of: [String].self) { group in
                for handle in [first, second] {
                    group.addTask {
                        var mine: [String] = []
                        for id in ids where try await handle.markCollected(batchID: id, phase: "completed") { mine.append(id) }
                        return mine
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(marked.sorted() == ids.sorted(), "each batch marked by exactly one collector: \(marked)")
            #expect(try await store.openBatches(model: "openai:gpt-4.1").isEmpty)
        }
    }
}
