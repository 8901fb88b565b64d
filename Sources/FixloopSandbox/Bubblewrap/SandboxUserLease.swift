import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One host uid from the policy's range, held for one run with `flock(2)`.
///
/// The kernel counts `RLIMIT_NPROC` per real uid across the whole host, so two sandboxes sharing a uid would
/// share one process budget (and could signal each other's processes without the PID namespace). Each run
/// therefore takes a uid of its own; lock files under the host's /tmp (not visible inside) make that hold across
/// processes too.
final class SandboxUserLease {
    let userID: UInt32
    let groupID: UInt32
    private let descriptor: Int32

    private init(userID: UInt32, groupID: UInt32, descriptor: Int32) {
        self.userID = userID
        self.groupID = groupID
        self.descriptor = descriptor
    }

    /// Takes a free uid in `baseUser ..< baseUser + count`, waiting while all are taken.
    static func acquire(baseUser: UInt32, baseGroup: UInt32, count: Int) async throws -> SandboxUserLease {
        let folder = try folder()
        let start = Int.random(in: 0..<max(count, 1))
        while true {
            for step in 0..<max(count, 1) {
                let offset = UInt32((start + step) % max(count, 1))
                let path = "\(folder)/\(baseUser + offset).lock"
                let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
                guard fd >= 0 else { continue }
                if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                    return SandboxUserLease(userID: baseUser + offset, groupID: baseGroup + offset, descriptor: fd)
                }
                close(fd)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The runner's private folder on the host (`/tmp/fixloop-sandbox-uids-<euid>`, mode 0700, never visible
    /// inside a sandbox): uid lease locks and ``LeftoverRecord`` files.
    /// - Throws: ``SandboxError`` `launchFailed` when the folder exists but is not a folder of this user.
    static func folder() throws -> String {
        let folder = "/tmp/fixloop-sandbox-uids-\(geteuid())"
        mkdir(folder, 0o700)
        var info = stat()
        guard lstat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == geteuid(),
              info.st_mode & 0o077 == 0 else {
            throw SandboxError.launchFailed(
                program: "the runner's private folder \(folder)", reason: "it is not a 0700 folder of this user")
        }
        return folder
    }

    /// Gives the uid back.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
