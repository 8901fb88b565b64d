import ArgumentParser
import FixloopCore
import FixloopLinear
import FixloopStore
import Foundation

/// `fixloop outcomes`: did the merged fixes work? Learns merges, measures each deployed fix before and after,
/// says new verdicts on the pull request and ticket, and lists every fix.
struct OutcomesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes", abstract: "Measure whether merged fixes worked; list their verdicts.")

    @OptionGroup var global: GlobalOptions
    @Option(help: .since("Fixes merged", default: "all"), transform: PeriodBound.argument) var since: PeriodBound = .known("all")
    @Flag(name: .customLong("no-comment"), help: "Measure only: say no verdict on pull requests or tickets.") var noComment = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let context = try global.context()
        try context.state.prepare()
        let backend = try await StoreBackend.open(context)
        defer { backend.postgres?.close() }
        var loop = HealingLoop.make(context, backend: backend)
        loop.announces = !noComment
        let result = try await loop.run()
        let start = since.date(relativeTo: Date()) ?? .distantPast
        let rows = result.lives.filter { ($0.merge?.mergedAt ?? .distantFuture) >= start }.map(OutcomeRow.init)
        for note in result.notes { CommandIO.current.writeError("outcomes: \(note)\n") }
        if json { return try context.printJSON(rows) }
        for line in result.announced { context.print("said: \(line)") }
        if rows.isEmpty { return context.print("no fixes yet: a ticket's fix shows here once fixloop fix pushed its branch or opened its pull request") }
        context.printTable(OutcomeRow.table(rows))
    }
}

extension HealingLoop {
    /// The loop with the configured store's merges, lives and scored sessions (``StoreBackend/healing`` and
    /// ``StoreBackend/plans``: PostgreSQL with `[store] url`)
    /// and the edge's clients: GitHub (`GITHUB_API_URL`, `GITHUB_TOKEN`), Linear when `LINEAR_API_KEY` is set.
    static func make(_ context: CommandContext, backend: StoreBackend) -> HealingLoop {
        var loop = HealingLoop(backend: backend, settings: context.configuration.planner, prompts: context.prompts)
        loop.github = GitHubWiring.client(context)
        if let key = EdgeSecrets(context.environment).linear {
            let endpoint = context.environment["LINEAR_API_URL"].flatMap(URL.init(string:)) ?? URL(string: "https://api.linear.app/graphql")!
            loop.linear = LinearClient(endpoint: endpoint, apiKey: key)
        }
        return loop
    }
}
