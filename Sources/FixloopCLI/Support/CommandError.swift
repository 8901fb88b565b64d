import FixloopCore

/// Errors the commands themselves raise (the adapters raise their own).
struct CommandError: FixloopError {
    let code: String
    let message: String
}
