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

            Lists print 20 rows unless --limit N (0 for all); --since and --until take 30m, 24h, 7d, 2w, a date \
            (2026-11-30), an ISO 8601 timestamp or all; --json prints snake_case keys and ISO 8601 UTC dates; a \
            unique prefix of a session or run id stands for the whole id.

            ENVIRONMENT:
              FIXLOOP_HOME            The state directory (default: ~/.fixloop).
              FIXLOOP_CONFIG          The configuration file (default: ./fixloop.toml).
              OPENAI_API_KEY          The key for openai:MODEL (OPENAI_BASE_URL for another endpoint).
              ANTHROPIC_API_KEY       The key for anthropic:MODEL (ANTHROPIC_BASE_URL for another endpoint).
              GITHUB_TOKEN            Reads issues, pushes branches and opens pull requests (or GH_TOKEN).
              GITHUB_WEBHOOK_SECRET   Checks the signatures of the webhooks fixloop serve receives.
              LINEAR_API_KEY          Reads and files Linear issues (LINEAR_WEBHOOK_SECRET for its webhooks).
              FIXLOOP_ADMIN_TOKEN     Guards fixloop serve's admin endpoints.

            EXAMPLES:
              fixloop demo                                   The whole loop, offline, on the bundled example.
              fixloop fix --ticket gh:acme/shop#12 --model openai:gpt-4.1 --max-cost 2
              fixloop score --import export.jsonl.gz --model none
              fixloop sessions --since 7d --limit 5          The five lowest-scored sessions of the week.
              fixloop plan --since 2w --json
              fixloop spend --by model --since 2026-11-01
            """,
        version: version,
        subcommands: [
            FixCommand.self, ReviseCommand.self, VerifyCommand.self, ScoreCommand.self, PlanCommand.self, ServeCommand.self,
            DemoCommand.self, DoctorCommand.self, InitCommand.self, ReportCommand.self, ShowCommand.self, LocalizeCommand.self, SandboxCommand.self, BenchCommand.self,
            ModelsCommand.self, SpendCommand.self, SessionsCommand.self, TicketsCommand.self, OutcomesCommand.self, JobsCommand.self,
            SetupAppCommand.self, MigrateCommand.self,
        ]
    )

    public init() {}

    /// Parses `arguments`, runs the command, and turns every error into a message and an exit code.
    ///
    /// This is the single place where errors meet the user: ``FixloopError``s print their one-sentence message
    /// and exit 2; usage errors print swift-argument-parser's message and usage and exit 2 too (not its 64);
    /// `--help` and `--version` exit 0; any other error is put in one sentence and exits 2.
    /// - Parameter arguments: the command line without the program name.
    /// - Returns: the process exit status.
    public static func run(arguments: [String]) async -> Int32 {
        await runInCurrentIO(arguments: arguments)
    }

    /// Runs a command line with an environment and an output of the caller's choosing, as tests do.
    ///
    /// The environment replaces the process's for this run only (nothing is written to the process
    /// environment); reports go to `output` instead of standard output. Errors still go to standard error.
    /// - Parameters:
    ///   - arguments: the command line without the program name.
    ///   - environment: the variables the command sees (`OPENAI_BASE_URL`, `FIXLOOP_HOME`, …).
    ///   - output: receives the report text.
    ///   - errors: receives error messages (standard error when nil).
    /// - Returns: the process exit status.
    public static func run(
        arguments: [String], environment: [String: String], output: @escaping @Sendable (String) -> Void,
        errors: (@Sendable (String) -> Void)? = nil
    ) async -> Int32 {
        var io = CommandIO(environment: environment, write: output)
        if let errors {
            io.writeError = errors
            io.errorIsTerminal = false
        }
        return await CommandIO.$current.withValue(io) {
            await runInCurrentIO(arguments: arguments)
        }
    }

    private static func runInCurrentIO(arguments: [String]) async -> Int32 {
        if arguments == ["--version"] {
            // The version and commit are read at run time (the VERSION file beside the binary, or libgit2).
            CommandIO.current.write(await FixloopVersion.current().text + "\n")
            return ExitStatus.success.rawValue
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return ExitStatus.success.rawValue
        } catch let error as FixloopError {
            CommandIO.current.writeError("error: \(error.message) [\(error.code)]\n")
            return ExitStatus.error.rawValue
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            return report(error)
        }
    }
}
