import Foundation

/// Runs untrusted commands (a repository's tests, a model's patch) isolated from the host.
///
/// Implementations return a ``SandboxResult`` for every command that ran, whatever its exit status or the limit
/// that stopped it; they throw only when the command could not be run at all (sandbox unavailable, bad workspace).
/// When `run` returns, every process the command started is gone.
public protocol Sandbox: Sendable {
    /// A short label for reports: `bubblewrap`, or `none` for the unsandboxed opt-in.
    var kind: String { get }

    /// Runs one command in a workspace under a policy.
    /// - Parameter request: the command, the workspace, the policy and extra read-only paths.
    /// - Returns: how the command ended, which limit fired, its duration and its captured output.
    /// - Throws: the implementation's error when the sandbox cannot be set up.
    func run(_ request: SandboxRequest) async throws -> SandboxResult
}

/// One command to run in a sandbox.
public struct SandboxRequest: Sendable {
    /// The program and its arguments; a program without `/` is looked up on the policy's `PATH` inside.
    public var arguments: [String]
    /// The host directory bound read-write at the policy's workspace path (its `.git` stays read-only).
    public var workspace: URL
    /// What the command may see and use.
    public var policy: SandboxPolicy
    /// More host paths bound read-only at the same place (from `--ro PATH` or configuration).
    public var extraReadOnlyPaths: [String]
    /// Bytes written to the command's standard input (then closed).
    public var standardInput: [UInt8]
    /// One host folder bound read-write for this run only (where a test runner writes its report), or nil.
    public var readWriteBind: SandboxBind?

    /// Creates a request.
    public init(
        arguments: [String], workspace: URL, policy: SandboxPolicy, extraReadOnlyPaths: [String] = [],
        standardInput: [UInt8] = [], readWriteBind: SandboxBind? = nil
    ) {
        self.arguments = arguments
        self.workspace = workspace
        self.policy = policy
        self.extraReadOnlyPaths = extraReadOnlyPaths
        self.standardInput = standardInput
        self.readWriteBind = readWriteBind
    }

    /// A request that runs `command` with `/bin/sh -c`.
    public static func shell(
        _ command: String, workspace: URL, policy: SandboxPolicy, extraReadOnlyPaths: [String] = [],
        readWriteBind: SandboxBind? = nil
    ) -> SandboxRequest {
        SandboxRequest(
            arguments: ["/bin/sh", "-c", command], workspace: workspace, policy: policy,
            extraReadOnlyPaths: extraReadOnlyPaths, readWriteBind: readWriteBind)
    }
}

/// A host folder bound read-write at a path inside the sandbox, for one run.
public struct SandboxBind: Sendable, Equatable {
    /// The host folder (a real folder, not a link); the sandbox user is given it for the run when Fixloop is root.
    public var hostPath: String
    /// Where it appears inside, e.g. `/fixloop-evidence`. `--sandbox none` cannot move it: there it is `hostPath`.
    public var path: String

    /// Creates a bind.
    public init(hostPath: String, path: String) {
        self.hostPath = hostPath
        self.path = path
    }
}
