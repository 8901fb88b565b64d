import FixloopCore
import FixloopIngest
import FixloopPostHog
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
    /// Events to pull from PostHog's query API after the files (`--posthog`).
    var posthog: PostHogEventPull?
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
    /// `--batch` or `--collect` (or `[scorer] mode = "batch"`): grade through the provider's batch interface.
    var batch: BatchOptions?

    /// How `score --batch` and `score --collect` use the provider's batch interface.
    struct BatchOptions: Sendable, Equatable {
        /// Submit the sessions that need a grade and are in no batch (`--batch`); false for `--collect`.
        var submits = true
        /// How long to wait for running batches (`--wait SECONDS`): nil until they end, zero to return at once.
        var wait: Duration?
    }

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
        let backend = try await StoreBackend.open(context)
        defer { backend.postgres?.close() }
        let (database, stores) = (backend.database, backend.scorer)
        let wiring = grading == .rubricOnly ? nil : try await ModelWiring(context: context)
        let grader = try wiring.map { try gradingModel(context: context, wiring: $0) }
        var pipeline = ScorePipeline(
            database: database, stores: stores,
            assessor: try SessionAssessor(context: productContext, mode: grading, prompts: grading == .rubricOnly ? nil : context.prompts),
            model: grader,
            importer: AnalyticsImporter(
                format: format, maximumReportedProblems: settings.reportedProblems,
                idleGap: TimeInterval(settings.idleGapMinutes * 60)))
        pipeline.concurrency = settings.concurrency
        let progress = showsProgress ? ScoreProgress(files: files) : nil
        defer { progress?.close() }
        pipeline.observer = observer(progress: progress, model: grader)
        var report = files.isEmpty ? nil : try await pipeline.importFiles(files)
        if let posthog { report = try await pipeline.importPostHog(posthog).adding(report) }
        if let warehouse {
            report = try await warehouse.run(
                stores: stores, importer: pipeline.importer, since: since, imported: pipeline.observer.imported)
        }
        progress?.close()
        var result: ScoreResult
        if let batch, let wiring, let grader {
            let batching = try batchGrading(batch, wiring: wiring, grader: grader, settings: settings,
                                            store: backend.gradingBatches)
            let (summary, tally, batches) = try await pipeline.gradeInBatches(batching, since: since, until: until, worst: worst)
            result = ScoreResult(import: report, grading: tally, summary: summary)
            result.batches = batches
        } else {
            let (summary, tally) = try await pipeline.grade(since: since, until: until, worst: worst)
            result = ScoreResult(import: report, grading: tally, summary: summary)
        }
        result.unpriced = grader.map { $0.price == nil && result.grading.model + result.grading.rejected > 0 } ?? false
        if let writeBack {
            result.writtenBack = try await writeBack.run(archive: stores.archive, since: since, until: until)
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
            let batched = batch?.submits == true
            observer.beforeModelGrading = { work in
                let estimate = GradingEstimate(work: work, model: model.client.spec, price: model.price, batch: batched)
                if !estimate.isFree { try await confirm(estimate) }
            }
        }
        return observer
    }

    private func batchGrading(_ options: BatchOptions, wiring: ModelWiring, grader: ModelClientGradingModel,
                              settings: ScorerSettings, store: any GradingBatchStore) throws -> BatchGrading {
        var batching = BatchGrading(
            client: try wiring.factory.batchClient(for: grader.client.spec), keeper: wiring.keeper, price: grader.price, store: store)
        batching.submits = options.submits
        batching.wait = options.wait
        batching.pollInterval = .milliseconds(Int64(settings.batchPollSeconds * 1000))
        if showsProgress {
            let io = CommandIO.current
            batching.say = { io.writeError("score: " + $0 + "\n") }
        }
        return batching
    }

    private func gradingModel(context: CommandContext, wiring: ModelWiring) throws -> ModelClientGradingModel {
        let spec = try model ?? ModelSpec(parsing: context.configuration.models.defaultModel)
        let runID = "score-" + String(UUID().uuidString.prefix(8)).lowercased()
        let client = try wiring.client(for: spec, attribution: CallAttribution(runID: runID), record: record)
        return ModelClientGradingModel(
            client: client, price: wiring.keeper.price(for: spec), maxOutputTokens: context.configuration.models.maxOutputTokens)
    }
}
