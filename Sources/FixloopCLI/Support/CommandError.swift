import FixloopCore

/// Errors the commands themselves raise (the adapters raise their own).
struct CommandError: FixloopError {
    let code: String
    let message: String

    /// A command named by the design whose issue has not been built yet.
    static func notBuilt(_ command: String, issue: Int) -> CommandError {
        CommandError(
            code: "cli.not_built",
            message: "'fixloop \(command)' is not built yet (tracked in issue \(issue)); use a later version of Fixloop.")
    }
}
