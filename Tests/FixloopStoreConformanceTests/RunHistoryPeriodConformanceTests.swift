import FixloopCore
import Foundation
import Testing

/// A period's runs, as the week's review reads them, on both backends.
struct RunHistoryPeriodConformanceTests {
    @Test(arguments: StoreBackend.available)
    func thePeriodsRunsAreReadNewestFirstWithDeadRunsInterrupted(backend: StoreBackend) async throws {
        try await backend.withRunStore { store, _ in
            var store = store
            let host = ProcessInfo.processInfo.hostName
            let monday = Date(timeIntervalSince1970: 1_800_000_000)
            for (id, offset) in [("run-before", -60.0), ("run-first", 0), ("run-second", 3_600), ("run-after", 7 * 86_400)] {
                #expect(try await store.start(RunRecord(id: id, ticket: "gh:o/r#\(id)", repository: "/r", host: host, pid: getpid(),
                                                        startedAt: monday.addingTimeInterval(offset))) == nil)
            }
            try await store.finish("run-first", status: .fixed, branch: "fixloop/1", prURL: "https://example/pull/1", reason: nil)
            store.isAlive = { _ in false }
            let week = try await store.runs(from: monday, to: monday.addingTimeInterval(7 * 86_400))
            #expect(week.map(\.id) == ["run-second", "run-first"])
            #expect(week.last?.status == .fixed && week.last?.prURL == "https://example/pull/1")
            #expect(week.first?.status == .interrupted, "a running run whose process is gone reads as interrupted")
            #expect(try await store.runs(from: monday.addingTimeInterval(-86_400), to: monday).map(\.id) == ["run-before"])
        }
    }
}
