import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a file of a checkout on the host without following any symbolic link on the way.
///
/// A repository (or a test run) can make `.fixloop.toml`, `package.json` or a folder above them a link to
/// `~/.ssh/id_rsa`; every component is opened with `O_NOFOLLOW` relative to the one before, so such a file is
/// refused instead of read. Links are refused even when they point inside the checkout.
public enum CheckoutFile {
    /// Why a file that exists was not read.
    public enum Refusal: Error, Equatable, Sendable {
        /// The path goes through a symbolic link (the path up to and including the link).
        case symbolicLink(String)
        /// The path is a folder, a device, a FIFO or a socket.
        case notRegularFile
        /// The file holds more than the limit (the limit in bytes).
        case tooLarge(Int)
    }

    /// The file's bytes, or nil when it does not exist.
    /// - Parameters:
    ///   - relativePath: the path below `root`, without `..`.
    ///   - root: the checkout (itself trusted: Fixloop made it).
    ///   - maxBytes: the most bytes read.
    /// - Throws: ``Refusal`` when the file exists but is behind a link, not a regular file, or too large.
    public static func read(_ relativePath: String, in root: URL, maxBytes: Int) throws -> Data? {
        let components = relativePath.split(separator: "/").map(String.init).filter { $0 != "." }
        guard !components.isEmpty, !components.contains(".."), !relativePath.hasPrefix("/") else { return nil }
        var directory = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return nil }
        defer { close(directory) }
        for (index, component) in components.enumerated() {
            let last = index == components.count - 1
            let flags = last ? O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
            let next = openat(directory, component, flags)
            guard next >= 0 else {
                let walked = components[...index].joined(separator: "/")
                return try missingOrRefused(component, in: directory, path: walked, last: last)
            }
            close(directory)
            directory = next
        }
        return try readRegularFile(directory, maxBytes: maxBytes)
    }

    /// nil when the entry is absent (or a file stands where a folder was expected); else why it was refused.
    private static func missingOrRefused(_ name: String, in directory: Int32, path: String, last: Bool) throws -> Data? {
        var info = stat()
        guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFLNK: throw Refusal.symbolicLink(path)
        case S_IFDIR: throw Refusal.notRegularFile
        default: if last { throw Refusal.notRegularFile } else { return nil }
        }
    }

    private static func readRegularFile(_ file: Int32, maxBytes: Int) throws -> Data {
        var info = stat()
        guard fstat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw Refusal.notRegularFile }
        guard Int(info.st_size) <= maxBytes else { throw Refusal.tooLarge(maxBytes) }
        // One byte more than the size, so a file that grew past the limit since fstat is noticed.
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress! + offset, $0.count - offset) }
            if count <= 0 { break }
            offset += count
        }
        guard offset <= maxBytes else { throw Refusal.tooLarge(maxBytes) }
        return Data(bytes[0..<offset])
    }
}
