import FixloopCore
import Foundation

/// Applies unified diffs from people and models to a workspace, tolerantly and safely.
///
/// Paths are checked on the host first (``PatchSafety``); then the diff is applied **inside the sandbox** with
/// `git apply` (exact, then ignoring whitespace and CRLF with less context), and finally GNU `patch` with fuzz,
/// each attempt all-or-nothing. A patch that does not apply is a ``PatchApplication`` naming the file and hunk.
/// The host never runs git on the workspace.
public struct PatchApplier: Sendable {
    private let sandbox: any Sandbox
    private let policy: SandboxPolicy
    private let extraReadOnlyPaths: [String]

    /// Creates an applier.
    /// - Parameters:
    ///   - sandbox: where `git apply` and `patch` run.
    ///   - policy: the policy they run under (the `test` policy: no network).
    ///   - extraReadOnlyPaths: more read-only paths, as for the tests.
    public init(sandbox: any Sandbox, policy: SandboxPolicy, extraReadOnlyPaths: [String] = []) {
        self.sandbox = sandbox
        var policy = policy
        // Only for the appliers inside: the workspace belongs to another uid, and no user or system config.
        policy.setEnvironment["GIT_CONFIG_NOSYSTEM"] = "1"
        policy.setEnvironment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        policy.setEnvironment["GIT_CONFIG_COUNT"] = "1"
        policy.setEnvironment["GIT_CONFIG_KEY_0"] = "safe.directory"
        policy.setEnvironment["GIT_CONFIG_VALUE_0"] = "*"
        policy.limits.wallClockSeconds = min(policy.limits.wallClockSeconds, 120)
        self.policy = policy
        self.extraReadOnlyPaths = extraReadOnlyPaths
    }

    /// Applies `patch` (text; as its UTF-8 bytes) to `workspace`.
    public func apply(_ patch: String, to workspace: URL) async throws -> PatchApplication {
        try await apply(Array(patch.utf8), to: workspace)
    }

    /// Applies `patch` to `workspace` byte for byte: the bytes go to the appliers unchanged, whatever their
    /// encoding; the host checks read them losslessly (``PatchText``).
    /// - Returns: whether it applied, how, the files it touches, or the file and hunk that failed.
    /// - Throws: ``SandboxError`` only when the sandbox itself cannot run.
    public func apply(_ bytes: [UInt8], to workspace: URL) async throws -> PatchApplication {
        let patch = PatchText.decode(bytes)
        let diff = UnifiedDiff(parsing: patch)
        let level = diff.stripLevel
        let files = diff.files.map { $0.displayPath(stripLevel: level) }
        guard !diff.files.isEmpty else {
            let blank = patch.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            return PatchApplication(
                applied: false, files: [], method: nil,
                failure: PatchFailure(reason: blank ? "empty" : "malformed",
                                      detail: blank ? "the patch is empty" : "no file headers were found"))
        }
        if let refusal = PatchSafety.refusal(for: diff) {
            return PatchApplication(
                applied: false, files: files, method: nil, failure: PatchFailure(reason: "refused", detail: refusal))
        }
        var input = bytes
        if input.last != UInt8(ascii: "\n") { input.append(UInt8(ascii: "\n")) }
        var failures: [PatchFailure] = []
        for attempt in Self.attempts(stripLevel: level) {
            if let check = attempt.check {
                let dry = try await run(check, input: input, workspace: workspace)
                guard dry.succeeded else {
                    failures.append(PatchFailureReader.failure(from: dry, diff: diff))
                    continue
                }
            }
            let result = try await run(attempt.command, input: input, workspace: workspace)
            if result.succeeded {
                return PatchApplication(applied: true, files: files, method: attempt.label, failure: nil)
            }
            failures.append(PatchFailureReader.failure(from: result, diff: diff))
        }
        let best = failures.first(where: { $0.hunk != nil }) ?? failures.first(where: { $0.file != nil })
            ?? failures.first ?? PatchFailure(reason: "conflict", detail: "the patch did not apply")
        return PatchApplication(applied: false, files: files, method: nil, failure: best)
    }

    private func run(_ arguments: [String], input: [UInt8], workspace: URL) async throws -> SandboxResult {
        try await sandbox.run(SandboxRequest(
            arguments: arguments, workspace: workspace, policy: policy, extraReadOnlyPaths: extraReadOnlyPaths,
            standardInput: input))
    }

    struct Attempt {
        var label: String
        var check: [String]?
        var command: [String]
    }

    /// The ladder from strict to tolerant. `git apply` is atomic; `patch` is checked with `--dry-run` first.
    static func attempts(stripLevel: Int) -> [Attempt] {
        let p = "-p\(stripLevel)"
        let git = ["git", "apply", "--verbose", "--recount", "--whitespace=nowarn", p]
        let patch = ["patch", p, "--forward", "--batch", "--fuzz=3", "--no-backup-if-mismatch", "--reject-file=-"]
        return [
            Attempt(label: "git apply", check: nil, command: git + ["-"]),
            Attempt(label: "git apply --ignore-whitespace -C1", check: nil,
                    command: git + ["--ignore-whitespace", "-C1", "-"]),
            Attempt(label: "patch --fuzz=3", check: patch + ["--dry-run"], command: patch),
            Attempt(label: "patch --fuzz=3 --ignore-whitespace", check: patch + ["-l", "--dry-run"],
                    command: patch + ["-l"]),
        ]
    }
}
