@testable import FixloopCLI
import Foundation
import Synchronization

/// Runs a fixloop command line in-process with `environment`, collecting what it prints (reports and errors
/// together) — how the CLI tests drive commands.
func runFixloop(_ arguments: [String], environment: [String: String]) async -> (status: Int32, output: String) {
    let output = Mutex("")
    let status = await Fixloop.run(
        arguments: arguments, environment: environment,
        output: { text in output.withLock { $0 += text } }, errors: { text in output.withLock { $0 += text } })
    return (status, output.withLock { $0 })
}

/// Like ``runFixloop(_:environment:)``, keeping standard output and standard error apart.
func runFixloopSeparately(_ arguments: [String], environment: [String: String]) async -> (status: Int32, output: String, errors: String) {
    let output = Mutex("")
    let errors = Mutex("")
    let status = await Fixloop.run(
        arguments: arguments, environment: environment,
        output: { text in output.withLock { $0 += text } }, errors: { text in errors.withLock { $0 += text } })
    return (status, output.withLock { $0 }, errors.withLock { $0 })
}
