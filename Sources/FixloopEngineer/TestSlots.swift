/// At most `count` sandbox runs at once, shared by every candidate of a run (`fixloop fix --jobs`): the model
/// calls of parallel candidates overlap freely, their test runs queue for a slot.
public actor TestSlots {
    /// How many runs may go at once.
    public nonisolated let count: Int
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// - Parameter count: the most runs at once (at least 1).
    public init(_ count: Int) {
        self.count = max(1, count)
        self.free = max(1, count)
    }

    /// Runs `body` once a slot is free and frees the slot after, on every path.
    public nonisolated func withSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
