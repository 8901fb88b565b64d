import Foundation
import Subprocess
import SystemPackage

/// The git command-line tool, used by tests as an independent witness of what libgit2 did
/// (product code never runs it).
public enum GitCommandLine {
    /// The outcome of one git invocation.
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        public let error: String
    }

    /// Runs `git args…` in `directory` with a fixed identity and no user or system configuration.
    @discardableResult
    public static func run(_ arguments: [String], in directory: URL? = nil, check: Bool = true) async throws -> Result {
        let result = try await Subprocess.run(
            .name("git"), arguments: Arguments(arguments),
            environment: .inherit.updating([
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": "/nonexistent",
                "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
                "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
            ]),
            workingDirectory: directory.map { FilePath($0.path) },
            output: .string(limit: 16 << 20), error: .string(limit: 1 << 20))
        let status: Int32
        if case .exited(let code) = result.terminationStatus { status = code } else { status = -1 }
        let outcome = Result(status: status, output: result.standardOutput, error: result.standardError)
        if check && status != 0 {
            throw GitCommandLineError(arguments: arguments, status: status, error: outcome.error)
        }
        return outcome
    }
}

/// A failed git invocation in a test's set-up.
public struct GitCommandLineError: Error, CustomStringConvertible {
    public let arguments: [String]
    public let status: Int32
    public let error: String
    public var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(error)" }
}
