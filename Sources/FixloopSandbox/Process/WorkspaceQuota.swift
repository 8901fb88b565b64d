import FixloopCore

#if canImport(Glibc)
import Glibc
#endif

/// The disk space and file count a workspace may reach during a run, measured by walking it from the runner.
///
/// The kernel bounds the sandbox's tmpfs mounts, but the workspace is a folder of the host's disk, so the runner
/// measures it: a walk by raw names (``WorkspaceTree``) that counts every entry and its allocated blocks, leaves
/// out `.git` (read-only inside), follows no link and stops as soon as a limit is passed, so one check costs at
/// most `files` entries. Checks are spaced by ``interval``, and by at least five times the last walk's duration,
/// so measuring never takes more than a fifth of one core.
struct WorkspaceQuota: Sendable {
    /// The workspace folder on the host.
    var path: String
    /// Allocated bytes allowed (`limits.workspace_mb`).
    var bytes: Int
    /// Entries allowed (`limits.workspace_files`).
    var files: Int
    /// The shortest time between two checks.
    static let interval: Duration = .seconds(1)

    /// Walks the workspace once; returns `.files` or `.diskSpace` when it is over a limit, else nil.
    /// - Parameter folder: an open descriptor of ``path``.
    func check(_ folder: Int32) -> SandboxLimit? {
        var entries = 0
        var allocated = 0
        var passed: SandboxLimit?
        WorkspaceTree.walk(folder, skippingGit: true) { _, _, info in
            entries += 1
            allocated += Int(info.st_blocks) * 512
            if entries > files { passed = .files }
            else if allocated > bytes { passed = .diskSpace }
            return passed == nil ? .next : .stop
        }
        return passed
    }
}

/// A ``WorkspaceQuota`` being enforced on one run: the open workspace and when the next check is due.
struct WorkspaceWatch {
    let quota: WorkspaceQuota
    private let folder: Int32
    private var due: ContinuousClock.Instant

    /// Opens the workspace; nil when it cannot be opened (the run then goes unmeasured, as without a quota).
    init?(_ quota: WorkspaceQuota, start: ContinuousClock.Instant) {
        folder = open(quota.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else { return nil }
        self.quota = quota
        due = start.advanced(by: WorkspaceQuota.interval)
    }

    /// Checks the workspace when a check is due; returns the limit passed, if any.
    mutating func poll(now: ContinuousClock.Instant) -> SandboxLimit? {
        guard now >= due else { return nil }
        let clock = ContinuousClock()
        let began = clock.now
        let passed = quota.check(folder)
        let took = began.duration(to: clock.now)
        due = clock.now.advanced(by: max(WorkspaceQuota.interval, took * 5))
        return passed
    }

    /// Closes the workspace descriptor.
    func close() {
        _ = Glibc.close(folder)
    }
}
