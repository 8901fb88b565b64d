import ArgumentParser
import FixloopConfig
import FixloopCore
import FixloopModels
import FixloopStore
import Foundation

/// `fixloop models …`: the configured models.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "Check the configured model clients and print the price table.",
        subcommands: [ModelsCheckCommand.self, ModelsPricesCommand.self], defaultSubcommand: ModelsPricesCommand.self)
}

/// `fixloop models check`: one tiny request, then latency, tokens and price, or what is wrong.
struct ModelsCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Send one tiny request and report latency, tokens and price, or what is wrong with the configuration.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("openai:MODEL, anthropic:MODEL or replay:FILE (default: [models] default).", valueName: "spec"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("Write the request and reply as JSON lines (keys redacted).", valueName: "file"))
    var record: String?

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let context = try global.context()
        let spec = try ModelSpec(parsing: model ?? context.configuration.models.defaultModel)
        let wiring = try await ModelWiring(context: context)
        let client = try wiring.client(
            for: spec, attribution: CallAttribution(runID: "models-check"), record: record.map { URL(fileURLWithPath: $0) })
        let request = ModelRequest(messages: [.user("Reply with the single word: ok")], maxOutputTokens: 16)
        let started = ContinuousClock.now
        let outcome = try await client.send(request)
        let elapsed = ContinuousClock.now - started
        guard case .reply(let reply) = outcome else {
            if case .refused(let refusal) = outcome {
                throw CommandError(code: "models.check_refused", message: refusal.description)
            }
            return
        }
        let report = ModelsCheckReport(
            spec: spec, baseURL: wiring.baseURL(for: spec), reply: reply,
            latencyMilliseconds: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
            price: wiring.keeper.price(for: spec))
        if json {
            try context.printJSON(report.json)
        } else {
            report.lines.forEach(context.print)
        }
    }
}

/// What `models check` found.
struct ModelsCheckReport {
    let spec: ModelSpec
    let baseURL: String?
    let reply: ModelReply
    let latencyMilliseconds: Int
    let price: ModelPrice?

    var cost: Double? { spec.provider == .replay ? 0 : price?.cost(of: reply.usage) }

    var lines: [String] {
        let usage = reply.usage
        let priceText = cost.map { String(format: "$%.6f", $0) }
            ?? "unknown: add [prices.\"\(spec)\"] with input and output (dollars per million tokens), or free = true"
        return [
            "model     \(spec)" + (baseURL.map { " at \($0)" } ?? ""),
            "reply     \(String(reply.message.content.prefix(60)).debugDescription)",
            "latency   \(latencyMilliseconds) ms",
            "tokens    \(usage.inputTokens) in, \(usage.outputTokens) out, \(usage.cachedInputTokens) cached",
            "price     \(priceText)",
        ]
    }

    var json: JSONValue {
        [
            "model": .string(spec.description),
            "base_url": baseURL.map { .string($0) } ?? .null,
            "ok": true,
            "reply": .string(reply.message.content),
            "latency_ms": .integer(latencyMilliseconds),
            "usage": ["input": .integer(reply.usage.inputTokens), "output": .integer(reply.usage.outputTokens),
                      "cached": .integer(reply.usage.cachedInputTokens)],
            "cost_usd": cost.map { .number($0) } ?? .null,
        ]
    }
}
