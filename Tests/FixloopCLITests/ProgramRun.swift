import FixloopTesting
import Foundation

/// A finished child process: its exit status and what it wrote.
struct ProgramRun {
    let status: Int32
    let output: String
    let errors: String

    /// Both streams, for failure messages.
    var transcript: String { "status \(status)\n--- stdout\n\(output)\n--- stderr\n\(errors)" }

    /// Runs `executable` with `arguments` in `directory` with exactly `environment`, off the cooperative pool.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]) async throws -> ProgramRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        async let out = output.fileHandleForReading.readAllOffThePool()
        async let err = errors.fileHandleForReading.readAllOffThePool()
        let (outData, errData) = await (out, err)
        let status = await process.exitStatus()
        return ProgramRun(status: status, output: String(decoding: outData, as: UTF8.self), errors: String(decoding: errData, as: UTF8.self))
    }

    /// The folder the test runner and the built products (`fixloop`, `fixloop-sandbox-exec`) are in.
    static var productsFolder: URL { Bundle.module.bundleURL.deletingLastPathComponent() }

    /// The checkout these tests belong to.
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A plain environment: the PATH, HOME and nothing else unless added.
    static func environment(home: URL, _ extra: [String: String] = [:]) -> [String: String] {
        ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home.path].merging(extra) { $1 }
    }
}
