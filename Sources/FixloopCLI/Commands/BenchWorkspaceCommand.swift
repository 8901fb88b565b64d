import ArgumentParser

/// `fixloop bench workspace`: a fresh workspace from the warm mirror against `cp -r` and `git clone --no-local`.
struct BenchWorkspaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace", abstract: "Time a fresh workspace from the warm mirror against cp -r and git clone.")
    func run() async throws { throw CommandError.notBuilt("bench workspace", issue: 2) }
}
