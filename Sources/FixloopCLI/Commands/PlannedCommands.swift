import ArgumentParser

// Commands the design names whose issues come later. Each says so and exits 2 until it is built.

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Group the period's failures into patterns; file tickets and flags.")
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
    func run() async throws { throw CommandError.notBuilt("plan", issue: 7) }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the whole loop offline on the bundled example product.")
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
    func run() async throws { throw CommandError.notBuilt("demo", issue: 9) }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write the week's review as one self-contained HTML page and Markdown.")
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
    func run() async throws { throw CommandError.notBuilt("report", issue: 9) }
}

