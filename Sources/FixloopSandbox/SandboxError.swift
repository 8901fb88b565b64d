import FixloopCore

/// Why a sandboxed command could not be run at all. A command that ran and failed is a ``SandboxResult``.
public struct SandboxError: FixloopError, Equatable {
    /// The kind of failure; its raw value is the stable code.
    public enum Kind: String, Sendable {
        case bubblewrapMissing = "sandbox.bubblewrap_missing"
        case namespacesUnavailable = "sandbox.namespaces_unavailable"
        case policyNotFound = "sandbox.policy_not_found"
        case policyInvalid = "sandbox.policy_invalid"
        case workspaceInvalid = "sandbox.workspace_invalid"
        case launchFailed = "sandbox.launch_failed"
        case patchInvalid = "sandbox.patch_invalid"
        case hostLimitBelowPolicy = "sandbox.host_limit_below_policy"
        case networkUnavailable = "sandbox.network_unavailable"
    }

    /// The kind of failure.
    public let kind: Kind
    /// The one-sentence message.
    public let message: String
    /// What the failing tool itself said (bubblewrap's first error line), when there is one; `fixloop doctor` puts
    /// it next to its own explanation.
    public var cause: String? = nil

    public var code: String { kind.rawValue }

    static func bubblewrapMissing(path: String) -> SandboxError {
        SandboxError(
            kind: .bubblewrapMissing,
            message: "bubblewrap was not found at \(path); install it (`apt-get install bubblewrap` or scripts/bootstrap), "
                + "or pass --sandbox none only on a machine that is already isolated.")
    }

    static func namespacesUnavailable(detail: String) -> SandboxError {
        SandboxError(
            kind: .namespacesUnavailable,
            message: "bubblewrap could not create its namespaces (\(detail)); enable unprivileged user namespaces "
                + "(`sysctl -w kernel.unprivileged_userns_clone=1` and a non-zero user.max_user_namespaces) or run "
                + "where they are allowed, e.g. a container started with --privileged or a VM.",
            cause: detail)
    }

    static func policyNotFound(name: String, searched: [String]) -> SandboxError {
        SandboxError(
            kind: .policyNotFound,
            message: "The sandbox policy '\(name)' was not found (looked in \(searched.joined(separator: ", "))); "
                + "give a policy file path or one of the bundled names test and setup.")
    }

    static func policyInvalid(file: String, key: String?, detail: String) -> SandboxError {
        let what = key.map { "the key '\($0)' in \(file)" } ?? file
        return SandboxError(
            kind: .policyInvalid, message: "The sandbox policy \(what) \(detail); fix the policy file and run again.")
    }

    static func workspaceInvalid(path: String, reason: String, advice: String = "give an existing directory") -> SandboxError {
        SandboxError(
            kind: .workspaceInvalid,
            message: "The workspace \(path) cannot be used because \(reason); \(advice).")
    }

    static func launchFailed(program: String, reason: String) -> SandboxError {
        SandboxError(
            kind: .launchFailed,
            message: "Could not start \(program) (\(reason)); check that it is installed and executable.",
            cause: reason)
    }

    /// - Parameters:
    ///   - key: the policy key, e.g. `limits.memory_mb`; `resource`: the rlimit, e.g. `RLIMIT_AS`.
    ///   - policy: the policy's value and `hard`: the process's hard limit, both in the key's unit (`8192 MB`).
    static func hostLimitBelowPolicy(key: String, resource: String, policy: String, hard: String) -> SandboxError {
        SandboxError(
            kind: .hostLimitBelowPolicy,
            message: "The sandbox policy's \(key) (\(policy)) is above this process's hard \(resource) limit (\(hard), set "
                + "with `ulimit -H` or prlimit on Fixloop), which an unprivileged process cannot raise; lower \(key) to "
                + "\(hard) or less in the policy, or start Fixloop without that hard limit.")
    }

    static func patchInvalid(reason: String) -> SandboxError {
        SandboxError(kind: .patchInvalid, message: "The patch cannot be used because \(reason); give a unified diff.")
    }
}
