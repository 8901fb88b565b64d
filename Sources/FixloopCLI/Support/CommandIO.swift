import Foundation

/// The surroundings one `Fixloop.run` works in: the environment it reads and where its reports go.
///
/// The process's own environment and standard output by default; tests replace both through
/// ``Fixloop/run(arguments:environment:output:)`` instead of mutating the process environment.
struct CommandIO: Sendable {
    /// The environment to read, or nil for the process's own.
    var environment: [String: String]?
    /// Writes report text (standard output by default).
    var write: @Sendable (String) -> Void
    /// Writes error text (standard error by default).
    var writeError: @Sendable (String) -> Void = { StandardError.write($0) }
    /// True when error text reaches a terminal, so progress lines redraw in place and questions may be asked.
    var errorIsTerminal: Bool = StandardError.isTerminal && isatty(STDIN_FILENO) == 1
    /// Whether report text goes to a terminal (tables then get a header row).
    var isTerminal = false

    /// The surroundings of the command running in this task.
    @TaskLocal static var current = CommandIO(environment: nil, write: { text in
        FileHandle.standardOutput.write(Data(text.utf8))
    }, isTerminal: isatty(STDOUT_FILENO) == 1)
}
