import FixloopCore
import Foundation

/// `--sandbox none`: runs the command directly in the workspace, with the policy's environment allow-list,
/// rlimits, wall clock and output cap but **no isolation at all** — the command sees the whole host.
///
/// Only for machines that are already isolated (a throwaway VM or container). The CLI prints a warning each time.
public struct UnisolatedSandbox: Sandbox {
    /// The host environment; only a policy's allow-listed names are passed.
    public let hostEnvironment: [String: String]
    public var kind: String { "none" }

    /// Creates the unsandboxed runner.
    public init(hostEnvironment: [String: String]) {
        self.hostEnvironment = hostEnvironment
    }

    public func run(_ request: SandboxRequest) async throws -> SandboxResult {
        let builder = BubblewrapArguments(hostSymlinks: [:], hostEnvironment: hostEnvironment)
        var environment = builder.environment(policy: request.policy)
        environment["HOME"] = request.workspace.path
        let limits = request.policy.limits
        let outcome = try await ChildProcess.run(ProcessLaunch(
            executable: "/usr/bin/prlimit", arguments: builder.limitPrefix(limits) + request.arguments,
            environment: environment, workingDirectory: request.workspace.path,
            standardInput: request.standardInput, wallClockSeconds: limits.wallClockSeconds,
            outputBytes: limits.outputBytes, outputKillBytes: limits.outputKillBytes))
        return LimitDiagnosis.result(of: outcome)
    }
}
