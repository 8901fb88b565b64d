import ArgumentParser

/// `fixloop bench …`: figures measured against a baseline taken in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed against a baseline taken in the same run.",
        subcommands: [BenchWorkspaceCommand.self, BenchSandboxCommand.self, BenchIngestCommand.self, BenchPlannedCommand.self]
    )
}

struct BenchPlannedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "other", abstract: "The webhooks benchmark (not built yet).", shouldDisplay: false)
    func run() async throws { throw CommandError.notBuilt("bench", issue: 3) }
}
