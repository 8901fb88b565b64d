import Dispatch
import Foundation

extension PostgresStore {
    /// Runs the async `body` and waits for it, for the synchronous store protocols (the event sink, the session
    /// reader).
    ///
    /// - Important: Call only from a thread of its own (`StoringThread`, the session feed's thread), never from one of
    ///   Swift's cooperative pool threads: the wait blocks the calling thread while `body` runs on the pool and on
    ///   PostgresNIO's event loops.
    /// - Throws: what `body` throws.
    public func waitFor<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = WaitedResult<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            outcome.set(await Result(catching: { try await body() }))
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }
}

/// The result a waiting thread reads once the task that set it signalled.
private final class WaitedResult<T: Sendable>: @unchecked Sendable {
    private var result: Result<T, any Error>?
    func set(_ value: Result<T, any Error>) { result = value }
    func get() throws -> T { try result!.get() }
}

extension Result where Failure == any Error {
    /// The result of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
