import ArgumentParser
import FixloopCore
import FixloopIngest
import FixloopModels
import FixloopPrompts
import FixloopScorer
import FixloopStore
import Foundation

/// `fixloop score`: import analytics exports, grade every session, print the implied NPS and the worst sessions.
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Import analytics sessions and grade each with an implied NPS and a blurb.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("import"), parsing: .upToNextOption,
            help: ArgumentHelp("Export files to import first (PostHog, Amplitude, Segment; gzip and zip read directly).", valueName: "file"))
    var files: [String] = []

    @Option(help: ArgumentHelp("The export format: posthog, amplitude, segment or auto.", valueName: "format"))
    var format: ExportFormat = .auto

    @OptionGroup var warehouse: WarehouseOptions

    @Option(help: ArgumentHelp("The product context Markdown file (default: [scorer] product_context).", valueName: "file"))
    var product: String?

    @Option(help: .since("Grade sessions that started", default: "all"), transform: PeriodBound.argument) var since: PeriodBound = .known("all")
    @Option(help: .until("Grade sessions that started"), transform: PeriodBound.argument) var until: PeriodBound = .known("all")

    @Option(help: ArgumentHelp("The grading model (openai:MODEL, anthropic:MODEL, replay:FILE), or none for the rubric alone.", valueName: "spec"))
    var model: String?

    @Option(help: ArgumentHelp("Which sessions the model grades: rubric, unsure or all (default: [scorer] grading; unsure when --model names one).", valueName: "mode"))
    var grading: GradingMode?

    @Option(help: ArgumentHelp("How many of the worst sessions to list; 0 for all.", valueName: "n")) var limit = 5
    @Option(name: .customLong("worst"), help: .hidden) var deprecatedWorst: Int?

    @Option(help: ArgumentHelp("Record every model request and reply to this file (JSON lines, secrets redacted).", valueName: "file"))
    var record: String?

    @Flag(help: "Grade with a paid model without asking (the estimate is still printed).") var yes = false

    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let context = try global.context()
        let result = try await job(context).run(context: context)
        context.print(json ? try result.jsonText() : result.text())
    }

    /// The run these options ask for.
    func job(_ context: CommandContext) throws -> ScoreJob {
        let mode = gradingMode(configured: context.configuration.scorer.grading)
        var job = ScoreJob(grading: mode)
        job.files = files.map { URL(fileURLWithPath: $0) }
        job.format = format
        job.warehouse = try warehouse.source(context: context, files: files)
        job.product = product.map { URL(fileURLWithPath: $0) }
        let now = Date()
        job.since = since.date(relativeTo: now)
        job.until = until.date(relativeTo: now)
        if mode != .rubricOnly { job.model = try ModelSpec(parsing: model ?? context.configuration.models.defaultModel) }
        job.worst = deprecatedWorst ?? (limit == 0 ? Int.max : limit)
        job.record = record.map { URL(fileURLWithPath: $0) }
        job.showsProgress = !json
        job.confirm = ModelGradingQuestion(yes: yes, io: CommandIO.current).ask
        return job
    }

    /// `--model none` is the rubric alone; a named model with the rubric configured grades the unsure sessions.
    func gradingMode(configured: GradingMode) -> GradingMode {
        if let grading { return model?.lowercased() == "none" ? .rubricOnly : grading }
        if model?.lowercased() == "none" { return .rubricOnly }
        if model != nil, configured == .rubricOnly { return .modelWhenUnsure }
        return configured
    }
}

extension ExportFormat: ExpressibleByArgument {}
extension GradingMode: ExpressibleByArgument {}
