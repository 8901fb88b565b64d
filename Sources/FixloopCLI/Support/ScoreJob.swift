import FixloopCore
import FixloopIngest
import FixloopPostgres
import FixloopPrompts
import FixloopScorer
import FixloopStore
import Foundation

/// One scoring run as typed values: what `fixloop score` asks for, and what the demo's scorer stage runs.
struct ScoreJob {
    /// Exports to import first.
    var files: [URL] = []
    var format: ExportFormat = .auto
    /// A warehouse table to import from first, past its stored cursor (`--from`, `--table`).
    var warehouse: WarehouseImport?
    /// The product context file (nil: `[scorer] product_context`, else none).
    var product: URL?
    /// Grade the sessions since (nil: all).
    var since: Date?
    /// …and before (nil: now).
    var until: Date?
    /// The grading model; nil: `[models] default`. Unused when `grading` is the rubric alone.
    var model: ModelSpec?
    var grading: GradingMode
    /// How many of the worst sessions the result lists.
    var worst = 5
    /// Every model request and reply also goes to this file.
    var record: URL?
    /// Asked with the estimate before the first model call (not for free models); throws to stop.
    var confirm: @Sendable (GradingEstimate) async throws -> Void = { _ in }
    /// Whether the import and the grading show a progress line on standard error.
    var showsProgress = false

    /// Imports, grades and summarises.
    /// - Throws: ``ScorerError`` for bad input or templates, the store's and the model wiring's errors.
    func run(context: CommandContext) async throws -> ScoreResult {
        let settings = context.configuration.scorer
        let productContext = try (product ?? settings.productContext.map { URL(fileURLWithPath: $0) })
            .map { try ProductContext(contentsOf: $0) } ?? .empty
        // A bad write-back URL stops the run before anything is graded.
        let writeBack = try settings.writeBack.map {
            WarehouseWriteBack(url: try PostgresURL(parsing: $0), password: EdgeSecrets(context.environment).databasePassword)
        }
        try context.state.prepare()
        let database = try FixloopDatabase(url: context.state.database)
        let grader = grading == .rubricOnly ? nil : try gradingModel(context: context)
        var pipeline = ScorePipeline(
            database: database,
            assessor: try SessionAssessor(context: productContext, mode: grading, prompts: grading == .rubricOnly ? nil : context.prompts),
            model: grader,
            importer: AnalyticsImporter(
                format: format, maximumReportedProblems: settings.reportedProblems,
                idleGap: TimeInterval(settings.idleGapMinutes * 60)))
        pipeline.concurrency = settings.concurrency
        let progress = showsProgress ? ScoreProgress(files: files) : nil
        defer { progress?.close() }
        pipeline.observer = observer(progress: progress, model: grader)
        var report = files.isEmpty ? nil : try pipeline.importFiles(files)
        if let warehouse {
            report = try await warehouse.run(
                database: database, importer: pipeline.importer, since: since, imported: pipeline.observer.imported)
        }
        progress?.close()
        let (summary, tally) = try await pipeline.grade(since: since, until: until, worst: worst)
        var result = ScoreResult(import: report, grading: tally, summary: summary)
        result.unpriced = grader.map { $0.price == nil && tally.model + tally.rejected > 0 } ?? false
        if let writeBack {
            result.writtenBack = try await writeBack.run(database: database, since: since, until: until)
            result.writeBackTarget = "\(writeBack.url)"
        }
        return result
    }

    private func observer(progress: ScoreProgress?, model: ModelClientGradingModel?) -> ScoreObserver {
        var observer = ScoreObserver()
        if let progress {
            observer.imported = { progress.imported($0) }
            observer.graded = { progress.graded($0, sessions: $1, modelSessions: $2) }
        }
        if let model {
            let confirm = confirm
            observer.beforeModelGrading = { work in
                let estimate = GradingEstimate(work: work, model: model.client.spec, price: model.price)
                if !estimate.isFree { try await confirm(estimate) }
            }
        }
        return observer
    }

    private func gradingModel(context: CommandContext) throws -> ModelClientGradingModel {
        let spec = try model ?? ModelSpec(parsing: context.configuration.models.defaultModel)
        let wiring = try ModelWiring(context: context)
        let runID = "score-" + String(UUID().uuidString.prefix(8)).lowercased()
        let client = try wiring.client(for: spec, attribution: CallAttribution(runID: runID), record: record)
        return ModelClientGradingModel(
            client: client, price: wiring.keeper.price(for: spec), maxOutputTokens: context.configuration.models.maxOutputTokens)
    }
}
