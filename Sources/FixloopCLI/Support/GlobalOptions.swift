import ArgumentParser
import FixloopConfig
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The configuration file (default: $FIXLOOP_CONFIG, then ./fixloop.toml).", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The state directory (default: $FIXLOOP_HOME, then ~/.fixloop).", valueName: "path"))
    var stateDir: String?

    /// Reads the configuration and the state directory; the environment is read here, at the edge.
    func context() throws -> CommandContext {
        try CommandContext.make(environment: CommandIO.current.environment ?? ProcessInfo.processInfo.environment,
                                config: config, stateDir: stateDir)
    }
}

/// What a command needs from its surroundings, gathered once at the edge.
struct CommandContext: Sendable {
    let configuration: FixloopConfiguration
    let state: StateDirectory
    let environment: [String: String]
    /// Writes report text: standard output, or what a test collects.
    var output: @Sendable (String) -> Void = { text in FileHandle.standardOutput.write(Data(text.utf8)) }

    /// The context `environment` gives, with an explicit configuration file and state directory when named.
    static func make(environment: [String: String], config: String? = nil, stateDir: String? = nil) throws -> CommandContext {
        try EdgeSecrets.checkFiles(environment)
        let configuration = try FixloopConfiguration.load(
            explicitPath: config, environment: environment,
            currentDirectory: FileManager.default.currentDirectoryPath)
        let state = stateDir.map { StateDirectory(root: URL(fileURLWithPath: $0, isDirectory: true)) }
            ?? StateDirectory(environment: environment)
        return CommandContext(
            configuration: configuration, state: state, environment: environment, output: CommandIO.current.write)
    }

    /// Writes one line of report text.
    func print(_ line: String) { output(line + "\n") }
}
