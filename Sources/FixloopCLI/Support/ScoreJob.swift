import FixloopCore
import FixloopIngest
import FixloopPrompts
import FixloopScorer
import FixloopStore
import Foundation

/// One scoring run as typed values: what `fixloop score` asks for, and what the demo's scorer stage runs.
struct ScoreJob {
    /// Exports to import first.
    var files: [URL] = []
    var format: ExportFormat = .auto
    /// The product context file (nil: `[scorer] product_context`, else none).
    var product: URL?
    /// Grade the sessions since (nil: all).
    var since: Date?
    /// The grading model; nil: `[models] default`. Unused when `grading` is the rubric alone.
    var model: ModelSpec?
    var grading: GradingMode
    /// How many of the worst sessions the result lists.
    var worst = 5
    /// Every model request and reply also goes to this file.
    var record: URL?

    /// Imports, grades and summarises.
    /// - Throws: ``ScorerError`` for bad input or templates, the store's and the model wiring's errors.
    func run(context: CommandContext) async throws -> ScoreResult {
        let settings = context.configuration.scorer
        let productContext = try (product ?? settings.productContext.map { URL(fileURLWithPath: $0) })
            .map { try ProductContext(contentsOf: $0) } ?? .empty
        try context.state.prepare()
        let database = try FixloopDatabase(url: context.state.database)
        let pipeline = ScorePipeline(
            database: database,
            assessor: try SessionAssessor(context: productContext, mode: grading, prompts: grading == .rubricOnly ? nil : context.prompts),
            model: grading == .rubricOnly ? nil : try gradingModel(context: context),
            importer: AnalyticsImporter(
                format: format, maximumReportedProblems: settings.reportedProblems,
                idleGap: TimeInterval(settings.idleGapMinutes * 60)))
        let report = files.isEmpty ? nil : try pipeline.importFiles(files)
        let (scores, tally) = try await pipeline.grade(since: since)
        return ScoreResult(import: report, grading: tally, summary: ScoreSummary(scores: scores, worst: worst))
    }

    private func gradingModel(context: CommandContext) throws -> any SessionGradingModel {
        let spec = try model ?? ModelSpec(parsing: context.configuration.models.defaultModel)
        let wiring = try ModelWiring(context: context)
        let runID = "score-" + String(UUID().uuidString.prefix(8)).lowercased()
        let client = try wiring.client(for: spec, attribution: CallAttribution(runID: runID), record: record)
        return ModelClientGradingModel(
            client: client, price: wiring.keeper.price(for: spec), maxOutputTokens: context.configuration.models.maxOutputTokens)
    }
}
