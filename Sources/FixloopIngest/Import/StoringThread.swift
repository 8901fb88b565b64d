import Foundation
import Synchronization

/// Runs blocking store work on a thread of its own, so an async caller never blocks one of Swift's cooperative pool
/// threads: a sink that waits on a network database (PostgreSQL) is called only from here.
public enum StoringThread {
    /// Runs `body` on a new thread and returns what it returned (or throws what it threw) once it ends.
    ///
    /// `body` may use state that is not `Sendable` (a sink, an import's run): the caller is suspended until the
    /// thread ends, so that state is used by one thread at a time, handed over and back. When the calling task is
    /// cancelled, ``checkCancellation()`` on the thread throws `CancellationError` (the importer checks between
    /// batches, as it checks `Task.checkCancellation()` in a task).
    public static func run<T>(_ body: @escaping () throws -> T) async throws -> T {
        let handOff = HandOff(body)
        let cancelled = CancelFlag()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let thread = Thread {
                    Thread.current.threadDictionary[cancelFlagKey] = cancelled
                    handOff.result = Result { try handOff.body() }
                    continuation.resume()
                }
                thread.name = "fixloop.store"
                // Deeply nested JSON recurses while a page is parsed: more stack than a secondary thread's default.
                thread.stackSize = 16 << 20
                thread.start()
            }
        } onCancel: {
            cancelled.set()
        }
        return try handOff.result!.get()
    }

    /// Throws `CancellationError` when the current task is cancelled or, on a storing thread, when the task that
    /// started it is.
    public static func checkCancellation() throws {
        try Task.checkCancellation()
        if (Thread.current.threadDictionary[cancelFlagKey] as? CancelFlag)?.isSet == true { throw CancellationError() }
    }

    private static let cancelFlagKey = "fixloop.storing-thread.cancelled"

    /// The body and its result crossing to the thread and back while the caller waits (never used by both at once).
    private final class HandOff<T>: @unchecked Sendable {
        let body: () throws -> T
        var result: Result<T, any Error>?
        init(_ body: @escaping () throws -> T) { self.body = body }
    }

    /// Set when the task waiting for a storing thread is cancelled.
    private final class CancelFlag: Sendable {
        private let value = Atomic(false)
        func set() { value.store(true, ordering: .releasing) }
        var isSet: Bool { value.load(ordering: .acquiring) }
    }
}
