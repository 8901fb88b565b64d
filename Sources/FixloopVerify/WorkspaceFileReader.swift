import FixloopSandbox
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes files the sandbox may have touched, without following any symbolic link on the way
/// (reading goes through ``CheckoutFile``).
///
/// A test run could replace `report.xml` (or a folder above it) with a link to `~/.ssh/id_rsa`; every
/// component is opened with `O_NOFOLLOW` relative to the one before, so such a file is simply not read.
enum WorkspaceFileReader {
    /// The file's text, or nil when it is missing, not a regular file, behind a link, or larger than `maxBytes`.
    static func read(_ relativePath: String, in workspace: URL, maxBytes: Int = 32 << 20) -> String? {
        bytes(relativePath, in: workspace, maxBytes: maxBytes).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file's bytes, or nil when it is missing, not a regular file, behind a link, or larger than `maxBytes`
    /// (read through ``CheckoutFile``, the one no-follow reader).
    static func bytes(_ relativePath: String, in workspace: URL, maxBytes: Int = 32 << 20) -> [UInt8]? {
        guard let data = try? CheckoutFile.read(relativePath, in: workspace, maxBytes: maxBytes) else { return nil }
        return [UInt8](data)
    }

    /// Writes `bytes` as a regular file (replacing a file or link already there, never writing through one).
    /// - Returns: false when a folder on the way is missing or a link, or the write failed.
    @discardableResult
    static func write(_ bytes: [UInt8], to relativePath: String, in workspace: URL, mode: mode_t = 0o644) -> Bool {
        guard let (directory, name) = parent(of: relativePath, in: workspace, creating: true) else { return false }
        defer { close(directory) }
        _ = unlinkat(directory, name, 0)
        let file = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard file >= 0 else { return false }
        defer { close(file) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(file, $0.baseAddress! + offset, $0.count - offset) }
            if count <= 0 { return false }
            offset += count
        }
        return true
    }

    /// Removes the file if it is a regular file or link reached without following links (stale results).
    static func remove(_ relativePath: String, in workspace: URL) {
        guard let (directory, name) = parent(of: relativePath, in: workspace) else { return }
        _ = unlinkat(directory, name, 0)
        close(directory)
    }

    /// The open folder holding the last component, reached without following links, and that component.
    private static func parent(
        of relativePath: String, in workspace: URL, creating: Bool = false
    ) -> (Int32, String)? {
        let components = relativePath.split(separator: "/").map(String.init)
        guard !components.isEmpty, !components.contains(".."), !relativePath.hasPrefix("/") else { return nil }
        var directory = open(workspace.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return nil }
        for component in components.dropLast() {
            if creating { _ = mkdirat(directory, component, 0o755) }
            let next = openat(directory, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            close(directory)
            guard next >= 0 else { return nil }
            directory = next
        }
        return (directory, components.last!)
    }
}
