import ArgumentParser
import FixloopCore
import FixloopSandbox
import Foundation

/// `fixloop bench sandbox`: the sandbox's per-command overhead against a bare process start.
struct BenchSandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Time /usr/bin/true in the sandbox against a bare start, in the same run (goal: ≤ 5 ms overhead).")

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Pairs of runs to time.", valueName: "n")) var runs = 200

    @Option(help: ArgumentHelp("The policy to measure.", valueName: "policy"))
    var policy = "test"

    @Flag(help: "Print the figures as JSON.")
    var json = false

    func validate() throws {
        if runs < 1 || runs > 100_000 { throw ValidationError("--runs must be between 1 and 100000.") }
    }

    func run() async throws {
        let context = try global.context()
        let chosen = try SandboxChoice.catalog().policy(policy)
        let sandbox = try await SandboxChoice.bubblewrap.make(context: context)
        let workspace = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-bench-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workspace) }
        BenchStages.writer("sandbox", json: json)("timing \(runs) interleaved pairs of /usr/bin/true, bare and in the sandbox (policy \(chosen.name))")
        let result = try await SandboxBenchmark.measure(runs: runs, sandbox: sandbox, policy: chosen, workspace: workspace)
        if json {
            try context.printJSON(result)
            return
        }
        let verdict = result.overheadMedianMilliseconds <= 5 ? "met" : "missed"
        context.print("""
            sandbox benchmark: \(runs) interleaved pairs, policy \(chosen.name)
              bare process start   median \(format(result.bareMedianMilliseconds)) ms
              in the sandbox       median \(format(result.sandboxMedianMilliseconds)) ms
              overhead             median \(format(result.overheadMedianMilliseconds)) ms per command \
            (goal ≤ 5 ms: \(verdict))
              ratio                \(format(result.ratio))× bare start
            """)
    }

    private func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
