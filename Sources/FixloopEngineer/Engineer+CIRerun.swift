import FixloopCore
import FixloopPrompts
import Foundation

extension Engineer {
    /// What rerunning a CI round's failing commands in the sandbox showed.
    public enum CIRerun: Sendable, Equatable {
        /// No failing command the sandbox can run.
        case none
        /// Every command rerun passed: the failure did not reproduce here.
        case passed([String])
        /// At least one failed again: its output, rendered for the model (`prompts/engineer/ci-rerun.mustache`).
        case failed(String)
    }

    /// Reruns, at the pull request's head and before any edit, the failing CI commands the sandbox can run
    /// (``CIRerunPrompt/runnable(_:testCommand:)``: at most three), each under the test policy, and records each in the
    /// trajectory (`reproduce · ci_rerun`).
    public func rerunCI(_ commands: [String], in workspace: URL) async throws -> CIRerun {
        let runnable = Array(commands.filter { CIRerunPrompt.runnable($0, testCommand: tests.testCommand) }.prefix(3))
        guard !runnable.isEmpty else { return .none }
        var runs: [CIRerunPrompt.Run] = []
        for command in runnable {
            let result = try await tests.run(command, in: workspace)
            let output = SandboxedTests.trim(result.standardOutput.text + "\n" + result.standardError.text, limit: 4_000)
            await trajectory.record(.reproduce, "ci_rerun", "$ \(command)\n\(result.termination.description)\n\(output.suffix(2_000))")
            runs.append(CIRerunPrompt.Run(command: command, passed: result.succeeded, ending: result.termination.description,
                                          output: CIRerunPrompt.fenced(output)))
        }
        if runs.allSatisfy(\.passed) { return .passed(runnable) }
        return .failed(try prompts.render(CIRerunPrompt(runs: runs)).text)
    }
}

/// `prompts/engineer/ci-rerun.mustache`: what the failing CI commands did when Fixloop reran them in its sandbox.
public struct CIRerunPrompt: PromptContext, Equatable {
    public static let templateName = "engineer/ci-rerun"

    public struct Run: Encodable, Sendable, Equatable {
        public var command: String
        public var passed: Bool
        /// `exit 1`, `killed by signal 9`, …
        public var ending: String
        public var output: String
    }

    public var runs: [Run]

    /// The programs a CI log's failing command may start for Fixloop to rerun it: test runners, linters and type
    /// checkers (and whatever runs the repository's own test command); never a deploy or release step.
    public static let runners: Set<String> = [
        "pytest", "python", "python3", "tox", "nox", "ruff", "flake8", "mypy", "pylint", "black",
        "npm", "npx", "yarn", "pnpm", "node", "jest", "vitest", "eslint", "tsc",
        "go", "golangci-lint", "cargo", "swift", "make", "bundle", "rspec", "rake", "mvn", "gradle", "./gradlew", "dotnet",
    ]

    /// Whether the sandbox can rerun `command`: one line, no CI variables (`$…`, `${{ … }}`), started by a test
    /// runner or linter, or by the same program as the repository's test command.
    public static func runnable(_ command: String, testCommand: String) -> Bool {
        guard !command.contains("\n"), !command.contains("$") else { return false }
        guard let program = command.split(separator: " ").first.map(String.init) else { return false }
        return runners.contains(program) || program == testCommand.split(separator: " ").first.map(String.init)
    }

    /// Output goes between `~~~~` fences; a fence inside it would end the block early, so it is broken up.
    static func fenced(_ text: String) -> String {
        text.replacingOccurrences(of: "~~~", with: "~ ~ ~")
    }
}
