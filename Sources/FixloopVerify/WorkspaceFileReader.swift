import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a file the sandbox may have written, without following any symbolic link on the way.
///
/// A test run could replace `report.xml` (or a folder above it) with a link to `~/.ssh/id_rsa`; every
/// component is opened with `O_NOFOLLOW` relative to the one before, so such a file is simply not read.
enum WorkspaceFileReader {
    /// The file's text, or nil when it is missing, not a regular file, behind a link, or larger than `maxBytes`.
    static func read(_ relativePath: String, in workspace: URL, maxBytes: Int = 32 << 20) -> String? {
        let components = relativePath.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains(".."), !relativePath.hasPrefix("/") else { return nil }
        var directory = open(workspace.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return nil }
        for component in components.dropLast() {
            let next = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            close(directory)
            guard next >= 0 else { return nil }
            directory = next
        }
        let file = openat(directory, components.last!, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        close(directory)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var info = stat()
        guard fstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= maxBytes else {
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress! + offset, $0.count - offset) }
            if count <= 0 { break }
            offset += count
        }
        return String(decoding: bytes[0..<offset], as: UTF8.self)
    }

    /// Removes the file if it is a regular file or link reached without following links (stale results).
    static func remove(_ relativePath: String, in workspace: URL) {
        let components = relativePath.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains(".."), !relativePath.hasPrefix("/") else { return }
        var directory = open(workspace.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return }
        for component in components.dropLast() {
            let next = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            close(directory)
            guard next >= 0 else { return }
            directory = next
        }
        _ = unlinkat(directory, components.last!, 0)
        close(directory)
    }
}
