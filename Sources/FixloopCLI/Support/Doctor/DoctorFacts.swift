import FixloopConfig
import Foundation

/// What `fixloop doctor` looks at, gathered at the edge so each check can be run against injected facts (a
/// `bwrap` that cannot create a namespace, a missing key, another `/proc/sys`).
struct DoctorFacts: Sendable {
    /// The configuration in force.
    var configuration: FixloopConfiguration
    /// The state directory.
    var state: StateDirectory
    /// The process environment; secrets in it are read only through ``EdgeSecrets``.
    var environment: [String: String]
    /// The bubblewrap executable.
    var bubblewrapPath = "/usr/bin/bwrap"
    /// Where the kernel's sysctls are (`/proc/sys`), read to explain a namespace failure.
    var sysctlRoot = URL(fileURLWithPath: "/proc/sys", isDirectory: true)
    /// The root of the file system, where container marker files are looked for (`/.dockerenv`, `/run/.containerenv`).
    var fileSystemRoot = URL(fileURLWithPath: "/", isDirectory: true)
    /// Whether this process runs as root (then each sandbox run takes a uid of its own from the policy's range).
    var runsAsRoot = geteuid() == 0

    init(configuration: FixloopConfiguration, state: StateDirectory, environment: [String: String]) {
        self.configuration = configuration
        self.state = state
        self.environment = environment
    }

    /// The facts of a command's context.
    init(context: CommandContext) {
        self.init(configuration: context.configuration, state: context.state, environment: context.environment)
    }

    /// A sysctl's value (`kernel/unprivileged_userns_clone`), or nil when this kernel has no such file.
    func sysctl(_ name: String) -> String? {
        (try? String(contentsOf: sysctlRoot.appendingPathComponent(name), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// True when a container runtime's marker file is present.
    var inContainer: Bool {
        [".dockerenv", "run/.containerenv"].contains {
            FileManager.default.fileExists(atPath: fileSystemRoot.appendingPathComponent($0).path)
        }
    }
}
