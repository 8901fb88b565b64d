/// How one of `fixloop doctor`'s checks came out.
///
/// `fail` is something a command will refuse (doctor exits 2); `warn` works today but limits what Fixloop can do
/// (no GitHub token, an unpriced model without a money budget); `skip` does not apply to this machine or setup
/// (`serve`'s webhook secret when nothing is configured for `serve`, the uid lease when not running as root).
enum DoctorStatus: String, Encodable, Sendable, Comparable {
    case ok, skip, warn, fail

    private var rank: Int { [.ok: 0, .skip: 1, .warn: 2, .fail: 3][self] ?? 0 }

    static func < (left: DoctorStatus, right: DoctorStatus) -> Bool { left.rank < right.rank }
}

/// One check: what was looked at, how it came out, and one sentence saying what was found and what to do.
struct DoctorCheck: Encodable, Sendable, Equatable {
    /// A stable name: `bubblewrap`, `sandbox_uids`, `libgit2`, `state_directory`, `model_key`, `model_price`,
    /// `github_auth`, `webhook_secret`.
    let name: String
    let status: DoctorStatus
    /// One sentence: what was found, and for anything but `ok`, what to do.
    let message: String

    static func ok(_ name: String, _ message: String) -> DoctorCheck { DoctorCheck(name: name, status: .ok, message: message) }
    static func warn(_ name: String, _ message: String) -> DoctorCheck { DoctorCheck(name: name, status: .warn, message: message) }
    static func fail(_ name: String, _ message: String) -> DoctorCheck { DoctorCheck(name: name, status: .fail, message: message) }
    static func skip(_ name: String, _ message: String) -> DoctorCheck { DoctorCheck(name: name, status: .skip, message: message) }
}

/// Every check of one `fixloop doctor` run.
struct DoctorReport: Encodable, Sendable {
    let checks: [DoctorCheck]

    /// True when nothing failed (warnings and skips pass).
    var passed: Bool { !checks.contains { $0.status == .fail } }

    private enum CodingKeys: String, CodingKey { case checks, passed }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checks, forKey: .checks)
        try container.encode(passed, forKey: .passed)
    }

    /// One line per check: `ok    libgit2  libgit2 1.5.1 is linked.`
    var lines: [String] {
        let width = checks.map(\.name.count).max() ?? 0
        return checks.map { check in
            let status = check.status.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)
            return "\(status)  \(check.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(check.message)"
        }
    }
}
