import FixloopIngest
import Foundation
import Synchronization
import Testing

/// Blocking store work runs on a thread of its own: its value and errors come back to the awaiting task, and the
/// task's cancellation reaches the thread's checks (the importer's, between batches).
struct StoringThreadTests {
    struct Refused: Error {}

    @Test func blockingBodiesRunTogetherOnThreadsOfTheirOwnAndTheirValuesAndErrorsComeBack() async throws {
        // More bodies than the cooperative pool has threads, each blocked until all have started: on the pool they
        // would wait for each other until the deadline.
        let bodies = ProcessInfo.processInfo.activeProcessorCount + 6
        let arrived = Arrivals()
        let allMet = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<bodies {
                group.addTask {
                    try await StoringThread.run {
                        arrived.count.add(1, ordering: .relaxed)
                        let deadline = Date().addingTimeInterval(10)
                        while arrived.count.load(ordering: .relaxed) < bodies, Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
                        return arrived.count.load(ordering: .relaxed) == bodies
                    }
                }
            }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(allMet)
        await #expect(throws: Refused.self) { try await StoringThread.run { throw Refused() } }
    }

    @Test func cancellingTheWaitingTaskStopsTheThreadAtItsNextCheck() async throws {
        let task = Task {
            try await StoringThread.run {
                // Ten seconds at least: without the cancellation the body ends normally and nothing is thrown.
                for _ in 0..<1_000 {
                    try StoringThread.checkCancellation()
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}

/// How many bodies have started.
private final class Arrivals: Sendable {
    let count = Atomic(0)
}
