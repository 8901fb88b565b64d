import FixloopCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What `fixloop doctor` reports of the sandbox uid lease: whether the runner's private lock folder is sound and how
/// many of the policy's uids are free right now (each taken and given back at once, never waited for).
public struct SandboxUserLeaseSurvey: Sendable, Equatable {
    /// The lock folder (`/tmp/fixloop-sandbox-uids-<euid>`).
    public let folder: String
    /// The first uid of the policy's range.
    public let firstUser: UInt32
    /// How many uids the range holds.
    public let count: Int
    /// How many of them no run holds now.
    public let free: Int

    /// Surveys the uids of `policy`.
    /// - Throws: ``SandboxError`` `launchFailed` when the lock folder is not a 0700 folder of this user.
    public static func survey(policy: SandboxPolicy) throws -> SandboxUserLeaseSurvey {
        let folder = try SandboxUserLease.folder()
        var free = 0
        for offset in 0..<max(policy.userCount, 1) {
            let fd = open("\(folder)/\(policy.userID + UInt32(offset)).lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                free += 1
                flock(fd, LOCK_UN)
            }
            close(fd)
        }
        return SandboxUserLeaseSurvey(folder: folder, firstUser: policy.userID, count: max(policy.userCount, 1), free: free)
    }
}
