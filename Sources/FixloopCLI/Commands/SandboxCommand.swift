import ArgumentParser
import FixloopCore
import FixloopSandbox
import Foundation

/// `fixloop sandbox …`: run commands the way Fixloop runs untrusted code.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox", abstract: "Run one command in the sandbox and print the result.",
        subcommands: [SandboxRunCommand.self], defaultSubcommand: SandboxRunCommand.self)
}

/// `fixloop sandbox run [--policy P] [--workspace DIR] [--ro PATH]… -- CMD…`
struct SandboxRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run CMD in the sandbox with the workspace read-write and print the result.",
        discussion: """
            The command's output is printed as captured (head and tail within the policy's byte cap), then one \
            line saying how it ended. Exit status: 0 when the command exited 0, 1 when it failed or a limit \
            fired, 2 when the sandbox could not run.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("A policy name from sandbox/ (test, setup) or a policy file.", valueName: "policy"))
    var policy = "test"

    @Option(help: ArgumentHelp("The directory bound read-write (default: the current directory).", valueName: "dir"))
    var workspace: String?

    @Option(name: .customLong("ro"), help: ArgumentHelp("Another host path to bind read-only.", valueName: "path"))
    var readOnly: [String] = []

    @Option(help: .sandbox)
    var sandbox: SandboxChoice = .bubblewrap

    @Option(help: ArgumentHelp("Override the policy's wall clock.", valueName: "seconds"))
    var timeout: Double?

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Argument(parsing: .postTerminator, help: "The command and its arguments.")
    var command: [String]

    func validate() throws {
        if command.isEmpty { throw ValidationError("Give the command after --, e.g. fixloop sandbox run -- ls -la") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout must be positive.") }
    }

    func run() async throws {
        let context = try global.context()
        var chosen = try SandboxChoice.catalog().policy(policy)
        if let timeout { chosen.limits.wallClockSeconds = timeout }
        let directory = URL(fileURLWithPath: workspace ?? FileManager.default.currentDirectoryPath)
        try SandboxChoice.refuseExposedPaths([directory.path], context: context)
        let readOnly = try SandboxChoice.readOnlyPaths(self.readOnly, context: context)
        let runner = try await sandbox.make(context: context)
        let result = try await runner.run(SandboxRequest(
            arguments: command, workspace: directory, policy: chosen, extraReadOnlyPaths: readOnly))
        if json {
            try context.printJSON(SandboxRunReport(sandbox: runner.kind, policy: chosen.name, result: result))
        } else {
            context.output(result.standardOutput.text)
            StandardError.write(result.standardError.text)
            let limit = result.limit.map { ", limit fired: \($0.rawValue)" } ?? ""
            StandardError.write(String(
                format: "sandbox (%@, policy %@): %@ after %.1f ms%@\n", runner.kind, chosen.name,
                result.termination.description, result.durationSeconds * 1000, limit))
        }
        if !result.succeeded { throw ExitCode(ExitStatus.negative.rawValue) }
    }
}

/// The `--json` shape of `fixloop sandbox run`.
struct SandboxRunReport: Encodable {
    let sandbox: String
    let policy: String
    let result: SandboxResult
}
