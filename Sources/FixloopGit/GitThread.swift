import Dispatch
import Synchronization

/// Runs blocking libgit2 work on Dispatch threads, never on Swift's cooperative pool.
///
/// Each call opens the libgit2 objects it needs, uses them and frees them inside `body`, so no libgit2 object
/// ever crosses threads and `git_error_last` is read on the thread that failed.
enum GitThread {
    private static let queue = DispatchQueue(label: "fixloop.git", qos: .userInitiated, attributes: .concurrent)

    /// Runs `body` off the cooperative pool; task cancellation raises the flag that transfer callbacks check.
    static func run<T: Sendable>(_ body: @escaping @Sendable (CancellationFlag) throws -> T) async throws -> T {
        Libgit2.ensureInitialized()
        let flag = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    continuation.resume(with: Result { try body(flag) })
                }
            }
        } onCancel: {
            flag.cancel()
        }
    }
}

/// A flag set when the task that started a git operation is cancelled.
final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    func cancel() { state.store(true, ordering: .relaxed) }
    var isCancelled: Bool { state.load(ordering: .relaxed) }
}
