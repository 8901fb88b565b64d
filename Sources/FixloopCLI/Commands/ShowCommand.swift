import ArgumentParser
import FixloopCore
import FixloopEngineer
import FixloopStore
import Foundation

/// `fixloop show RUN`: a run's trajectory for a reviewer, with its state (a run whose process died shows as
/// interrupted); `fixloop show --pr gh:OWNER/NAME#N`: the revision rounds of one of Fixloop's pull requests.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a run's trajectory for a reviewer, or a pull request's revision rounds.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The run id (from fixloop fix or revise) or a unique prefix of it, or 'latest'.", valueName: "run")) var run: String?
    @Option(help: ArgumentHelp("List the revision rounds of this pull request instead.", valueName: "gh:owner/name#n")) var pr: String?
    @Flag(help: "Show every event in full instead of the first lines of each.") var full = false
    @Flag(help: "Print the events as JSON.") var json = false

    func validate() throws {
        guard (run == nil) != (pr == nil) else { throw ValidationError("Give a run id, or --pr gh:OWNER/NAME#N, not both.") }
    }

    func run() async throws {
        let context = try global.context()
        let runs = context.state.runs
        try context.state.prepare()
        let store = try await StoreBackend.open(context).runs
        if let pr { return try await rounds(of: try PullRequestReference(parsing: pr), store: store, context: context) }
        let run = self.run ?? "latest"
        let id = run == "latest" ? run : try IDPrefix.resolve(run, kind: "run", candidates: try await store.runIDs(prefix: run, limit: 11),
                                                               listCommand: "fixloop fix")
        guard let id, let record = try await store.run(id), !record.id.contains("/"), !record.id.contains("..") else {
            throw CommandError(code: "show.no_such_run", message: "There is no run '\(run)' in \(context.state.root.path); use a run id from fixloop fix, or 'latest'.")
        }
        let directory = runs.appendingPathComponent(record.id)
        let events = (try? Trajectory.read(directory.appendingPathComponent("trajectory.jsonl"))) ?? []
        if json { return try context.printJSON(events) }
        context.print("run \(record.id): \(record.status.rawValue)\(record.reason.map { " — \($0)" } ?? "")")
        if record.kind.isRound, let pullRequest = record.pullRequest {
            context.print("\(record.kind.rawValue) round of \(pullRequest) (ticket \(record.ticket)) on \(record.repository)")
        } else {
            context.print("ticket \(record.ticket) on \(record.repository)\(record.prURL.map { " — \($0)" } ?? "")")
        }
        let formatter = ISO8601DateFormatter()
        for event in events {
            let lines = event.detail.components(separatedBy: "\n")
            let shown = full ? lines : Array(lines.prefix(6))
            context.print("\(formatter.string(from: event.time))  \(event.step) · \(event.kind)")
            for line in shown { context.print("    " + line) }
            if shown.count < lines.count { context.print("    … \(lines.count - shown.count) more lines (--full)") }
        }
    }

    /// The pull request's rounds of every kind (review, CI, rebase), oldest first: kind, run, state, start, why it ended.
    private func rounds(of pullRequest: PullRequestReference, store: any RunHistory, context: CommandContext) async throws {
        let rounds = try await store.rounds(pullRequest: pullRequest.description)
        if json { return try context.printJSON(rounds) }
        guard !rounds.isEmpty else {
            return context.print("No rounds of \(pullRequest) in \(context.state.root.path); start one with fixloop revise --pr \(pullRequest).")
        }
        var table = TextTable(header: ["ROUND", "KIND", "RUN", "STATUS", "STARTED", "REASON"])
        let formatter = ISO8601DateFormatter()
        for (index, round) in rounds.enumerated() {
            table.append(["\(index + 1)", round.kind.rawValue, round.id, round.status.rawValue, formatter.string(from: round.startedAt), String((round.reason ?? "").prefix(80))])
        }
        context.printTable(table)
    }
}
