import Foundation

/// Runs blocking store work on a thread of its own, so an async caller never blocks one of Swift's cooperative pool
/// threads: a sink that waits on a network database (PostgreSQL) is called only from here.
public enum StoringThread {
    /// Runs `body` on a new thread and returns what it returned (or throws what it threw) once it ends.
    ///
    /// `body` may use state that is not `Sendable` (a sink, an import's run): the caller is suspended until the
    /// thread ends, so that state is used by one thread at a time, handed over and back.
    public static func run<T>(_ body: @escaping () throws -> T) async throws -> T {
        let handOff = HandOff(body)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                handOff.result = Result { try handOff.body() }
                continuation.resume()
            }
            thread.name = "fixloop.store"
            // Deeply nested JSON recurses while a page is parsed: more stack than a secondary thread's default.
            thread.stackSize = 16 << 20
            thread.start()
        }
        return try handOff.result!.get()
    }

    /// The body and its result crossing to the thread and back while the caller waits (never used by both at once).
    private final class HandOff<T>: @unchecked Sendable {
        let body: () throws -> T
        var result: Result<T, any Error>?
        init(_ body: @escaping () throws -> T) { self.body = body }
    }
}
