import Foundation

/// Waiting for a child process without holding one of the cooperative pool's threads (there are only as many as
/// cores, and a test that blocks one stalls every other test's tasks: rate-limit and timing tests then fail).
extension Process {
    /// Waits for the process to end on a Dispatch thread.
    /// - Returns: its termination status.
    public func exitStatus() async -> Int32 {
        nonisolated(unsafe) let process = self
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }
}

extension FileHandle {
    /// Reads to the end of the stream on a Dispatch thread.
    public func readAllOffThePool() async -> Data {
        nonisolated(unsafe) let handle = self
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }
}
