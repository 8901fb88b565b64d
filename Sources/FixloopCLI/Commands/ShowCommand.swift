import ArgumentParser
import FixloopCore
import FixloopEngineer
import Foundation

/// `fixloop show RUN`: a run's trajectory for a reviewer, with its state (a run whose process died shows as
/// interrupted).
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a run's trajectory for a reviewer.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The run id (from fixloop fix), or 'latest'.", valueName: "run")) var run: String
    @Flag(help: "Show every event in full instead of the first lines of each.") var full = false
    @Flag(help: "Print the events as JSON.") var json = false

    func run() async throws {
        let context = try global.context()
        let runs = context.state.runs
        let id = run == "latest" ? try latest(in: runs) : run
        guard !id.contains("/"), !id.contains(".."), FileManager.default.fileExists(atPath: runs.appendingPathComponent(id).path) else {
            throw CommandError(code: "show.no_such_run", message: "There is no run '\(run)' in \(runs.path); list them with ls or use 'latest'.")
        }
        let directory = runs.appendingPathComponent(id)
        let events = (try? Trajectory.read(directory.appendingPathComponent("trajectory.jsonl"))) ?? []
        if json {
            context.print(String(decoding: try JSONEncoder.pretty.encode(events), as: UTF8.self))
            return
        }
        let status = RunState(directory: directory).status() ?? "unknown"
        context.print("run \(id): \(status)")
        let formatter = ISO8601DateFormatter()
        for event in events {
            let lines = event.detail.components(separatedBy: "\n")
            let shown = full ? lines : Array(lines.prefix(6))
            context.print("\(formatter.string(from: event.time))  \(event.step) · \(event.kind)")
            for line in shown { context.print("    " + line) }
            if shown.count < lines.count { context.print("    … \(lines.count - shown.count) more lines (--full)") }
        }
    }

    private func latest(in runs: URL) throws -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
        guard let newest = names.filter({ $0.hasPrefix("run-") }).sorted().last else {
            throw CommandError(code: "show.no_runs", message: "There are no runs in \(runs.path) yet; start one with fixloop fix.")
        }
        return newest
    }
}
