import Foundation

/// An exclusive `flock` on a file, shared correctly between threads and processes (workers, `serve` and the CLI).
final class FileLock: Sendable {
    private let descriptor: Int32
    let path: String

    /// Opens (creating) `path` and takes the lock, waiting for it unless `wait` is false.
    /// - Returns: nil when `wait` is false and another holder has it.
    static func acquire(_ path: String, wait: Bool = true) throws -> FileLock? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw GitError(.workspace, "Cannot open the lock file \(path): \(String(cString: strerror(errno))); check that the state directory is writable.")
        }
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            close(descriptor)
            if errno == EWOULDBLOCK { return nil }
            throw GitError(.workspace, "Cannot lock \(path): \(String(cString: strerror(errno))).")
        }
        return FileLock(descriptor: descriptor, path: path)
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Releases the lock; with `removingFile`, deletes the lock file first so no one can take a stale one.
    func release(removingFile: Bool = false) {
        if removingFile { unlink(path) }
        close(descriptor)
    }
}

/// Runs `body` holding the lock at `path`.
func withFileLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
    guard let lock = try FileLock.acquire(path) else { fatalError("a waiting lock always returns") }
    defer { lock.release() }
    return try body()
}
