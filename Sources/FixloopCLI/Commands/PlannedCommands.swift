import ArgumentParser

// Commands the design names whose issues come later. Each says so and exits 2 until it is built.

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the GitHub PR bot: webhooks in, a durable job queue, workers.")
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
    func run() async throws { throw CommandError.notBuilt("serve", issue: 8) }
}
