#if canImport(Glibc)
import Glibc
#endif

/// Walks a directory tree by raw names, never following symbolic links, with a constant number of descriptors.
///
/// Names are never decoded: every entry is reached with `openat`/`fstatat` relative to its folder's descriptor,
/// so a name that is not UTF-8 (`x\377y`) is visited like any other, and paths longer than `PATH_MAX` are no
/// obstacle. Only one folder is open at a time: the walk goes back up through `..` and checks that it arrived
/// where it came from (device and inode), so a deep tree cannot exhaust descriptors and a folder moved during
/// the walk ends it instead of leading it outside the tree.
enum WorkspaceTree {
    /// What a visitor tells the walk.
    enum Step {
        case next
        case stop
    }

    /// A visitor: the open folder the entry is in, the entry's raw name (NUL-terminated) and its `lstat`.
    typealias Visitor = (_ folder: Int32, _ name: UnsafePointer<CChar>, _ info: stat) -> Step

    /// Called after a folder's contents were walked, with its parent folder and its raw name.
    typealias Leaver = (_ parent: Int32, _ name: UnsafePointer<CChar>) -> Void

    private struct Frame {
        var name: [CChar]
        var device: UInt
        var inode: UInt
        var folders: [[CChar]]
    }

    /// Visits every entry below the open folder `root` (pre-order: a folder before what it holds).
    /// - Parameters:
    ///   - root: a descriptor of the top folder; it is not closed.
    ///   - skippingGit: leave out `.git` directly below `root`.
    ///   - leaving: called for every folder below `root` once its contents were walked (post-order), e.g. to
    ///     remove it.
    /// - Returns: true when every entry was visited; false when the visitor stopped the walk, a folder could not
    ///   be read, or the tree changed under the walk.
    @discardableResult
    static func walk(_ root: Int32, skippingGit: Bool, _ visit: Visitor, leaving: Leaver? = nil) -> Bool {
        // A new open file description: a dup would share the caller's directory offset.
        var current = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { if current >= 0 { close(current) } }
        guard current >= 0, let top = list(current, name: [0], skippingGit: skippingGit, visit) else { return false }
        var stack = [top]
        while !stack.isEmpty {
            if let name = stack[stack.count - 1].folders.popLast() {
                let child = name.withUnsafeBufferPointer {
                    openat(current, $0.baseAddress!, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
                guard child >= 0 else { continue }
                close(current)
                current = child
                guard let frame = list(current, name: name, skippingGit: false, visit) else { return false }
                stack.append(frame)
            } else {
                let done = stack.removeLast()
                guard let parent = stack.last else { break }
                let up = openat(current, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                close(current)
                current = up
                var info = stat()
                guard up >= 0, fstat(up, &info) == 0, UInt(info.st_dev) == parent.device,
                      UInt(info.st_ino) == parent.inode else { return false }
                if let leaving { done.name.withUnsafeBufferPointer { leaving(up, $0.baseAddress!) } }
            }
        }
        return true
    }

    /// Visits the entries of one open folder; returns its sub-folders to descend into, or nil to stop.
    private static func list(_ folder: Int32, name: [CChar], skippingGit: Bool, _ visit: Visitor) -> Frame? {
        var own = stat()
        guard fstat(folder, &own) == 0 else { return nil }
        var frame = Frame(name: name, device: UInt(own.st_dev), inode: UInt(own.st_ino), folders: [])
        // fdopendir takes its own copy, so `folder` stays usable for openat/fstatat.
        let copy = fcntl(folder, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { return nil }
        guard let stream = fdopendir(copy) else {
            close(copy)
            return nil
        }
        defer { closedir(stream) }
        // The copy shares its offset with `folder`: start from the first entry whatever was read before.
        rewinddir(stream)
        while let entry = readdir(stream) {
            let step: Step? = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: 256) { name in
                    if isDot(name) || (skippingGit && strcmp(name, ".git") == 0) { return nil }
                    var info = stat()
                    guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
                    let step = visit(folder, name, info)
                    if (info.st_mode & S_IFMT) == S_IFDIR {
                        frame.folders.append(Array(UnsafeBufferPointer(start: name, count: strlen(name) + 1)))
                    }
                    return step
                }
            }
            if step == .stop { return nil }
        }
        return frame
    }

    private static func isDot(_ name: UnsafePointer<CChar>) -> Bool {
        name[0] == 0x2E && (name[1] == 0 || (name[1] == 0x2E && name[2] == 0))
    }
}

extension WorkspaceTree {
    /// Removes `path` and everything below it, by raw names and without following links; folders the walk
    /// cannot enter are made enterable first (a run may leave mode 000 folders). Missing paths are no error.
    /// - Returns: true when `path` is gone.
    @discardableResult
    static func remove(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return errno == ENOENT }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return unlink(path) == 0 }
        _ = chmod(path, 0o700)
        let folder = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else { return false }
        defer { close(folder) }
        // Twice at most: a folder whose mode was fixed during the first walk is walked again.
        for _ in 0..<2 {
            walk(folder, skippingGit: false, { parent, name, entry in
                if (entry.st_mode & S_IFMT) == S_IFDIR { _ = fchmodat(parent, name, 0o700, 0) }
                else { _ = unlinkat(parent, name, 0) }
                return .next
            }, leaving: { parent, name in _ = unlinkat(parent, name, AT_REMOVEDIR) })
            if rmdir(path) == 0 { return true }
        }
        return false
    }
}
