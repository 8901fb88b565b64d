import Foundation

/// Runs blocking file-system work (walking a workspace, copying a checkout) on a dedicated thread, so it never
/// holds a thread of Swift's cooperative pool.
public enum BlockingWork {
    /// Runs `work` on a new thread and returns its result.
    /// - Throws: whatever `work` throws.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.start()
        }
    }
}
