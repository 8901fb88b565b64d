import ArgumentParser

/// `fixloop bench …`: figures measured against a baseline taken in the same run.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed against a baseline taken in the same run.",
        subcommands: [
            BenchWorkspaceCommand.self, BenchSandboxCommand.self, BenchIngestCommand.self, BenchWebhooksCommand.self,
            BenchCandidatesCommand.self, BenchGradingCommand.self, BenchQueueCommand.self,
        ]
    )
}
