import ArgumentParser
import FixloopCore
import Foundation

/// The `fixloop` command: git-native bug-fix agent runner.
public struct Fixloop: AsyncParsableCommand {
    /// The version printed by `fixloop --version`.
    public static let version = "0.1.0-dev"

    public static let configuration = CommandConfiguration(
        commandName: "fixloop",
        abstract: "Turn what users live through into reviewed pull requests.",
        discussion: """
            The scorer grades analytics sessions, the planner files tickets for frequent failures, and the \
            engineer fixes bug tickets in a sandbox and opens a draft pull request for a human to review.
            """,
        version: version,
        subcommands: [
            FixCommand.self, VerifyCommand.self, ScoreCommand.self, PlanCommand.self, ServeCommand.self,
            DemoCommand.self, ReportCommand.self, ShowCommand.self, SandboxCommand.self, BenchCommand.self,
        ]
    )

    public init() {}

    /// Parses `arguments`, runs the command, and turns every error into a message and an exit code.
    ///
    /// This is the single place where errors meet the user: ``FixloopError``s print their one-sentence message
    /// and exit 2; usage errors and `--help` go through swift-argument-parser as usual.
    /// - Parameter arguments: the command line without the program name.
    /// - Returns: the process exit status.
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return ExitStatus.success.rawValue
        } catch let error as FixloopError {
            StandardError.write("error: \(error.message) [\(error.code)]\n")
            return ExitStatus.error.rawValue
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let code = exitCode(for: error)
                if code == .success { print(message) } else { StandardError.write(message + "\n") }
            }
            return exitCode(for: error).rawValue
        }
    }
}
