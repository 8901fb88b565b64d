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

    @OptionGroup var posthog: PostHogOptions

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

    @Flag(help: "Grade through the provider's batch interface at the batch price; a rerun collects the results (default: [scorer] mode).")
    var batch = false
    @Flag(help: "Take the results of batches an earlier --batch submitted, submitting nothing new.") var collect = false
    @Option(help: ArgumentHelp("With --batch or --collect: seconds to wait for running batches; 0 returns at once with their state (default: until they end).", valueName: "seconds"))
    var wait: Int?

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
        job.posthog = try posthog.pull(context: context, since: job.since, until: job.until, now: now)
        if mode != .rubricOnly { job.model = try ModelSpec(parsing: model ?? context.configuration.models.defaultModel) }
        job.worst = deprecatedWorst ?? (limit == 0 ? Int.max : limit)
        job.record = record.map { URL(fileURLWithPath: $0) }
        job.showsProgress = !json
        job.confirm = ModelGradingQuestion(yes: yes, io: CommandIO.current).ask
        job.batch = try batchOptions(configured: context.configuration.scorer.mode)
        return job
    }

    /// `--batch`, `--collect` and `--wait` (or `[scorer] mode = "batch"`) as the job's batch options.
    func batchOptions(configured: ScorerMode) throws -> ScoreJob.BatchOptions? {
        guard batch || collect || configured == .batch else {
            if wait != nil { throw CommandError(code: "score.wait_without_batch", message: "--wait applies to --batch and --collect; add one of them or leave --wait out.") }
            return nil
        }
        if let wait, wait < 0 { throw CommandError(code: "score.bad_wait", message: "--wait is \(wait) but must be 0 or more seconds.") }
        return ScoreJob.BatchOptions(submits: !collect, wait: wait.map { .seconds($0) })
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
