import ArgumentParser
import FixloopCore
import FixloopGit
import Foundation

/// `fixloop bench workspace`: a fresh workspace from the warm mirror against `cp -r` and `git clone --no-local`,
/// all measured in the same run on the same file system.
struct BenchWorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Time a fresh workspace from the warm mirror against cp -r and git clone --no-local.")

    @Option(help: ArgumentHelp("Files in the generated repository.", valueName: "n")) var files = 3000
    @Option(help: ArgumentHelp("Measured runs of each method (after one warm-up round).", valueName: "n")) var runs = 7
    @Option(help: ArgumentHelp("Measure this repository instead of a generated one.", valueName: "url|path")) var repo: String?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard files >= 1, runs >= 1 else { throw ValidationError("--files and --runs must be at least 1.") }
    }

    func run() async throws {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-bench-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let remote: RepositoryReference
        if let repo {
            remote = try RepositoryReference(parsing: repo)
        } else {
            progress("generating a repository of \(files) files")
            remote = try RepositoryReference(parsing: try await WorkspaceBenchmark.generateRepository(files: files, in: scratch).path)
        }
        let benchmark = WorkspaceBenchmark(remote: remote, scratch: scratch, runs: runs)
        let line = json ? nil : ProgressLine("fetching")
        let report = try await benchmark.measure(progress: progress, transfer: line?.gitHandler)
        line?.finish()
        if json {
            try JSONOutput.print(report)
        } else {
            CommandIO.current.write(report.table + "\n")
        }
    }

    private func progress(_ text: String) {
        BenchStages.writer("workspace", json: json)(text)
    }
}
