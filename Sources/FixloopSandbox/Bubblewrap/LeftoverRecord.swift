import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a run changed on the host that must be undone even when its process is killed (`kill -9`): a workspace
/// handed to the sandbox user, a scratch copy made for the run.
///
/// Each change is written down in a small record file before it is made, in the runner's private folder next to
/// the uid leases (``SandboxUserLease/folder()``), and held with `flock(2)` while the process lives; the kernel
/// drops the lock when the process dies, however it dies. ``sweep()``, at the start of every sandboxed run, takes
/// the records whose lock is free and undoes them: ownership handed back (setuid and setgid bits cleared), scratch
/// copies removed.
final class LeftoverRecord: @unchecked Sendable {
    /// What a record undoes.
    enum Change: Equatable {
        /// The workspace at `root` goes back to `owner`:`group`.
        case ownership(root: String, owner: UInt32, group: UInt32)
        /// These paths are removed.
        case scratch([String])
    }

    let change: Change
    private let path: String
    private var descriptor: Int32

    private init(change: Change, path: String, descriptor: Int32) {
        self.change = change
        self.path = path
        self.descriptor = descriptor
    }

    /// Writes and locks a record of `change`, before the change is made.
    /// - Throws: ``SandboxError`` `launchFailed` when the private folder or the record cannot be written.
    static func make(_ change: Change) throws -> LeftoverRecord {
        let folder = try SandboxUserLease.folder()
        let base = "\(folder)/run-\(UUID().uuidString.lowercased())"
        let (draft, path) = (base + ".draft", base + ".leftover")
        // Locked and written under a name the sweep does not read, then renamed: a record is whole when seen.
        let fd = open(draft, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            if fd >= 0 { close(fd) }
            throw SandboxError.launchFailed(program: "the run record \(draft)", reason: String(cString: strerror(errno)))
        }
        let bytes = Array(encode(change).utf8)
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count, rename(draft, path) == 0
        else {
            unlink(draft)
            close(fd)
            throw SandboxError.launchFailed(program: "the run record \(path)", reason: "it could not be written")
        }
        return LeftoverRecord(change: change, path: path, descriptor: fd)
    }

    /// Removes the record once the change was undone; safe to call twice.
    func discard() {
        guard descriptor >= 0 else { return }
        unlink(path)
        close(descriptor)
        descriptor = -1
    }

    /// Undoes the changes of every record whose process is gone; records of live processes are left alone.
    static func sweep() {
        guard let folder = try? SandboxUserLease.folder(),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasSuffix(".leftover") || name.hasSuffix(".draft") {
            let path = "\(folder)/\(name)"
            // A draft is locked only just after it is created: only old ones are of dead processes.
            if name.hasSuffix(".draft"), !isOld(path) { continue }
            let fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { continue }
            // Locked by a live process, or already discarded (unlinked) by its owner after this open: skip.
            var info = stat()
            guard flock(fd, LOCK_EX | LOCK_NB) == 0, fstat(fd, &info) == 0, info.st_nlink > 0 else {
                close(fd)
                continue
            }
            // A draft of a dead process: nothing was changed yet.
            let change = name.hasSuffix(".draft") ? nil : read(fd).flatMap(decode)
            let record = LeftoverRecord(change: change ?? .scratch([]), path: path, descriptor: fd)
            record.undo()
            record.discard()
        }
    }

    private static func isOld(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && time(nil) - info.st_mtim.tv_sec > 60
    }

    private func undo() {
        switch change {
        case .ownership(let root, let owner, let group):
            WorkspaceOwnership(root: root, ownerID: owner, groupID: group, record: nil).restore()
        case .scratch(let paths):
            for path in paths { WorkspaceTree.remove(path) }
        }
    }

    // The format: a kind line, then fields one a line; a path is always last (it may hold anything but NUL).
    private static func encode(_ change: Change) -> String {
        switch change {
        case .ownership(let root, let owner, let group): return "ownership\n\(owner)\n\(group)\n\(root)"
        case .scratch(let paths): return "scratch\n" + paths.joined(separator: "\n")
        }
    }

    private static func decode(_ text: String) -> Change? {
        let lines = text.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        switch lines.first {
        case "ownership":
            guard lines.count == 4, let owner = UInt32(lines[1]), let group = UInt32(lines[2]),
                  lines[3].hasPrefix("/") else { return nil }
            return .ownership(root: lines[3], owner: owner, group: group)
        case "scratch":
            let paths = text.split(separator: "\n").dropFirst().map(String.init)
            guard paths.allSatisfy({ $0.hasPrefix("/") && !$0.split(separator: "/").contains("..") }) else { return nil }
            return .scratch(paths)
        default:
            return nil
        }
    }

    private static func read(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }
}
