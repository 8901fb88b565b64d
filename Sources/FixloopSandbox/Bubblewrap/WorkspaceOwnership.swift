import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Hands a workspace to the sandbox user for one run and takes it back afterwards.
///
/// The sandbox runs as an unprivileged host user (so the process limit holds), which must be able to write the
/// checkout. Everything but `.git` (read-only inside anyway) is given to that user with `lchown` — links are never
/// followed — and afterwards everything, including what the run created, goes back to the workspace's owner.
struct WorkspaceOwnership {
    let root: String
    let ownerID: uid_t
    let groupID: gid_t

    /// Gives `root` and its contents (except `.git`) to `user`:`group`.
    /// - Returns: the value that restores the original owner.
    static func hand(_ root: String, to user: UInt32, group: UInt32) throws -> WorkspaceOwnership {
        var info = stat()
        guard lstat(root, &info) == 0 else {
            throw SandboxError.workspaceInvalid(path: root, reason: "it does not exist")
        }
        let ownership = WorkspaceOwnership(root: root, ownerID: info.st_uid, groupID: info.st_gid)
        ownership.apply(user: user, group: group)
        return ownership
    }

    /// Gives everything back to the original owner.
    func restore() {
        apply(user: ownerID, group: groupID)
    }

    private func apply(user: uid_t, group: gid_t) {
        _ = lchown(root, user, group)
        Self.walk(root, skippingGit: true) { path in _ = lchown(path, user, group) }
    }

    /// Visits every entry below `directory` without following symbolic links.
    static func walk(_ directory: String, skippingGit: Bool, _ visit: (String) -> Void) {
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name == "." || name == ".." || (skippingGit && name == ".git") { continue }
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            visit(path)
            if (info.st_mode & S_IFMT) == S_IFDIR { walk(path, skippingGit: false, visit) }
        }
    }
}
