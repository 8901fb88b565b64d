#if canImport(Glibc)
import Glibc
#endif

/// Hands a workspace to the sandbox user for one run and takes it back afterwards.
///
/// The sandbox runs as an unprivileged host user (so the process limit holds), which must be able to write the
/// checkout. Everything but `.git` (read-only inside anyway) is given to that user, and afterwards everything,
/// including what the run created, goes back to the workspace's owner. The walk goes by raw names
/// (``WorkspaceTree``), never follows links, and clears the setuid and setgid bits of every file in both
/// directions, so no file the run made can later run with the sandbox user's or the owner's rights.
struct WorkspaceOwnership {
    let root: String
    let ownerID: uid_t
    let groupID: gid_t
    /// The record that lets the next run hand the workspace back if this process dies before ``restore()``.
    let record: LeftoverRecord?

    /// Gives `root` and its contents (except `.git`) to `user`:`group`, after recording how to undo it.
    /// - Returns: the value that restores the original owner.
    static func hand(_ root: String, to user: UInt32, group: UInt32) throws -> WorkspaceOwnership {
        var info = stat()
        guard lstat(root, &info) == 0 else {
            throw SandboxError.workspaceInvalid(path: root, reason: "it does not exist")
        }
        try refuseShared(root, info)
        let record = try LeftoverRecord.make(.ownership(root: root, owner: info.st_uid, group: info.st_gid))
        let ownership = WorkspaceOwnership(root: root, ownerID: info.st_uid, groupID: info.st_gid, record: record)
        ownership.apply(user: user, group: group)
        return ownership
    }

    /// Refuses a folder that is not the runner's own: everything in it would be given to the sandbox user and back
    /// to the folder's owner, so `/tmp` or someone else's home would change hands whole.
    static func refuseShared(_ root: String, _ info: stat) throws {
        if root == "/" || info.st_mode & (S_ISVTX | S_IWOTH) != 0 {
            throw SandboxError.workspaceInvalid(
                path: root,
                reason: "it is a shared folder (world-writable or sticky, like /tmp), whose every file would be handed "
                    + "to the sandbox user",
                advice: "make a folder of its own and pass it (--workspace DIR)")
        }
        if info.st_uid != geteuid() {
            throw SandboxError.workspaceInvalid(
                path: root,
                reason: "it belongs to uid \(info.st_uid), not to the user running Fixloop (uid \(geteuid()))",
                advice: "copy it to a folder of your own and pass that")
        }
    }

    /// Gives everything back to the original owner, then drops the record.
    func restore() {
        apply(user: ownerID, group: groupID)
        record?.discard()
    }

    private func apply(user: uid_t, group: gid_t) {
        let folder = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else { return }
        defer { close(folder) }
        _ = fchown(folder, user, group)
        WorkspaceTree.walk(folder, skippingGit: true) { parent, name, info in
            Self.clearSetID(parent, name, info)
            _ = fchownat(parent, name, user, group, AT_SYMLINK_NOFOLLOW)
            return .next
        }
    }

    /// Removes the setuid and setgid bits of a file that has either (folders and links are left as they are).
    private static func clearSetID(_ parent: Int32, _ name: UnsafePointer<CChar>, _ info: stat) {
        guard (info.st_mode & S_IFMT) == S_IFREG, info.st_mode & (S_ISUID | S_ISGID) != 0 else { return }
        _ = fchmodat(parent, name, info.st_mode & 0o1777, 0)
    }
}
