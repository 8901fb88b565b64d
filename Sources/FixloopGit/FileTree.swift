import Foundation

/// File-system helpers for folders that untrusted test runs may have left in any state.
enum FileTree {
    /// Removes `url` and everything below it, first giving the owner back the permissions a test may have taken
    /// away (a `chmod 000` folder cannot be emptied otherwise). Symlinks are removed, never followed.
    static func forceRemove(_ url: URL) throws {
        let path = url.path
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            chmod(path, 0o700)
            if let names = try? FileManager.default.contentsOfDirectory(atPath: path) {
                for name in names { try forceRemove(url.appendingPathComponent(name)) }
            }
            guard rmdir(path) == 0 || errno == ENOENT else { throw removalError(path) }
        } else {
            guard unlink(path) == 0 || errno == ENOENT else { throw removalError(path) }
        }
    }

    private static func removalError(_ path: String) -> GitError {
        GitError(.workspace, "Cannot remove \(path): \(String(cString: strerror(errno))); remove it by hand and run again.")
    }

    /// Creates `url` and its parents with `mode` (owner-only unless told otherwise).
    static func makeDirectory(_ url: URL, mode: Int = 0o700) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        } catch {
            throw GitError(.workspace, "Cannot create \(url.path): \(error.localizedDescription); check that the state directory is writable.")
        }
    }
}
