import ArgumentParser
import FixloopConfig
import FixloopCore
import FixloopGit
import FixloopSandbox
import FixloopVerify
import Foundation

/// `fixloop verify`: apply a patch to a repository at a commit inside the sandbox, run the tests before and
/// after, and judge it the way the SWE-bench harness does.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify a patch in the sandbox: tests before and after, SWE-bench verdict.",
        discussion: """
            The workspace comes from --repo (a checkout from the mirror cache at --commit, through libgit2) or \
            --workspace (a directory already checked out, copied first so it is left as it was). Setup runs under \
            the setup policy (network on); tests and patches under the test policy (no network). Exit status: 0 \
            resolved, 1 not resolved, 2 when the verification could not be done.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The repository: an HTTPS or SSH URL, or a local path.", valueName: "url|path"))
    var repo: String?

    @Option(help: ArgumentHelp("A branch, tag or commit (default: the default branch head).", valueName: "rev"))
    var commit: String?

    @Option(help: ArgumentHelp("A directory already checked out, instead of --repo.", valueName: "dir"))
    var workspace: String?

    @Option(help: ArgumentHelp("The patch to judge, or - for standard input.", valueName: "file|-"))
    var patch: String

    @Option(help: ArgumentHelp("Tests to apply before the before picture.", valueName: "file"))
    var testPatch: String?

    @Option(help: ArgumentHelp("The test command, run with /bin/sh -c in the workspace.", valueName: "cmd"))
    var test: String

    @Option(help: ArgumentHelp("A setup command run once first, with the network.", valueName: "cmd"))
    var setup: String?

    @Option(help: ArgumentHelp("A test that must fail before and pass after (repeatable).", valueName: "id"))
    var failToPass: [String] = []

    @Option(help: ArgumentHelp("A test that must keep passing (repeatable).", valueName: "id"))
    var passToPass: [String] = []

    @Option(help: ArgumentHelp("How many times to run the tests before and after, to find flaky tests.", valueName: "n")) var runs = 1

    @Option(name: .customLong("ro"), help: ArgumentHelp("Another host path to bind read-only.", valueName: "path"))
    var readOnly: [String] = []

    @Option(help: ArgumentHelp(
        "A test report the test command writes (JUnit XML, or Jest's or Vitest's JSON), relative to the workspace.",
        valueName: "path"))
    var junit: [String] = []

    @Option(help: .sandbox)
    var sandbox: SandboxChoice = .bubblewrap

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if (repo == nil) == (workspace == nil) { throw ValidationError("Give exactly one of --repo and --workspace.") }
        if workspace != nil && commit != nil { throw ValidationError("--commit goes with --repo, not --workspace.") }
        if runs < 1 || runs > 100 { throw ValidationError("--runs must be between 1 and 100.") }
    }

    func run() async throws {
        let context = try global.context()
        let readOnly = try SandboxChoice.readOnlyPaths(self.readOnly, context: context)
        try SandboxChoice.refuseExposedPaths(workspace.map { [$0] } ?? [], context: context)
        let patchBytes = try Self.readInput(patch, what: "patch")
        let testPatchBytes = try testPatch.map { try Self.readInput($0, what: "test patch") }
        let catalog = SandboxChoice.catalog()
        let line = ProgressLine("verify")
        let verifier = PatchVerifier(
            sandbox: try await sandbox.make(context: context), testPolicy: try catalog.policy("test"),
            setupPolicy: try catalog.policy("setup"), progress: { line.update($0) })
        let report = try await VerifyWorkspaces(context: context).withWorkspace(repo: repo, commit: commit, copying: workspace) { directory in
            try await verifier.verify(VerificationRequest(
                workspace: directory, setupCommand: setup, testPatch: testPatchBytes, testCommand: test,
                patch: patchBytes, failToPass: failToPass, passToPass: passToPass, runs: runs,
                extraReadOnlyPaths: readOnly, junitXMLPaths: junit))
        }
        line.finish("done")
        if json {
            context.print(String(decoding: try JSONEncoder.pretty.encode(report), as: UTF8.self))
        } else {
            context.print(VerifyReportTable(report: report).text)
        }
        switch report.status {
        case "resolved": return
        case "unresolved": throw ExitCode(ExitStatus.negative.rawValue)
        default: throw ExitCode(ExitStatus.error.rawValue)
        }
    }

    /// The bytes of `path` (or standard input for `-`), exactly as they are: patches are applied byte for byte.
    static func readInput(_ path: String, what: String) throws -> [UInt8] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CommandError(
                    code: "cli.unreadable_input",
                    message: "The \(what) file \(path) cannot be read; check the path and its permissions.")
            }
            data = contents
        }
        return [UInt8](data)
    }
}
