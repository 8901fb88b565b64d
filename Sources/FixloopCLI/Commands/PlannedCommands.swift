import ArgumentParser

// Commands the design names whose issues come later. Each says so and exits 2 until it is built.

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Group the period's failures into patterns; file tickets and flags.")
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
    func run() async throws { throw CommandError.notBuilt("plan", issue: 7) }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the GitHub PR bot: webhooks in, a durable job queue, workers.")
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
    func run() async throws { throw CommandError.notBuilt("serve", issue: 8) }
}
