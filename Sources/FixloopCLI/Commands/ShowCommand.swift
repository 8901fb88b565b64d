import ArgumentParser
import FixloopCore
import FixloopEngineer
import FixloopStore
import Foundation

/// `fixloop show RUN`: a run's trajectory for a reviewer, with its state (a run whose process died shows as
/// interrupted).
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a run's trajectory for a reviewer.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The run id (from fixloop fix) or a unique prefix of it, or 'latest'.", valueName: "run")) var run: String
    @Flag(help: "Show every event in full instead of the first lines of each.") var full = false
    @Flag(help: "Print the events as JSON.") var json = false

    func run() async throws {
        let context = try global.context()
        let runs = context.state.runs
        try context.state.prepare()
        let store = SQLiteRunStore(database: try FixloopDatabase(url: context.state.database))
        let id = run == "latest" ? run : try IDPrefix.resolve(run, kind: "run", candidates: try store.runIDs(prefix: run),
                                                               listCommand: "fixloop fix")
        guard let id, let record = try store.run(id), !record.id.contains("/"), !record.id.contains("..") else {
            throw CommandError(code: "show.no_such_run", message: "There is no run '\(run)' in \(context.state.root.path); use a run id from fixloop fix, or 'latest'.")
        }
        let directory = runs.appendingPathComponent(record.id)
        let events = (try? Trajectory.read(directory.appendingPathComponent("trajectory.jsonl"))) ?? []
        if json { return try context.printJSON(events) }
        context.print("run \(record.id): \(record.status.rawValue)\(record.reason.map { " — \($0)" } ?? "")")
        context.print("ticket \(record.ticket) on \(record.repository)\(record.prURL.map { " — \($0)" } ?? "")")
        let formatter = ISO8601DateFormatter()
        for event in events {
            let lines = event.detail.components(separatedBy: "\n")
            let shown = full ? lines : Array(lines.prefix(6))
            context.print("\(formatter.string(from: event.time))  \(event.step) · \(event.kind)")
            for line in shown { context.print("    " + line) }
            if shown.count < lines.count { context.print("    … \(lines.count - shown.count) more lines (--full)") }
        }
    }
}
