import FixloopCore
import FixloopExportGenerator
import FixloopIngest
import FixloopModels
import FixloopPrompts
import FixloopScorer
import FixloopStore
import Foundation

/// `fixloop bench grading`'s measurement: a generated week imported into two fresh stores, then every session
/// graded through the real pipeline and OpenAI client against ``GradingBenchModelServer`` — once one at a time,
/// once with `concurrency` graders — in the same run. The rate limiter has no limits, so it does not bind.
struct GradingBenchmark: Sendable {
    /// One grading run's figures.
    struct Figures: Sendable, Codable {
        var concurrency: Int
        var sessions: Int
        var modelCalls: Int
        var seconds: Double
        var sessionsPerMinute: Double { seconds > 0 ? Double(sessions) / seconds * 60 : 0 }

        enum CodingKeys: String, CodingKey { case concurrency, sessions, modelCalls = "model_calls", seconds }
    }

    /// Both runs, and how much faster the pool was.
    struct Result: Sendable, Codable {
        var sessions: Int
        var latencyMilliseconds: Int
        var sequential: Figures
        var concurrent: Figures
        var ratio: Double { concurrent.seconds > 0 ? sequential.seconds / concurrent.seconds : 0 }

        enum CodingKeys: String, CodingKey {
            case sessions, latencyMilliseconds = "latency_ms", sequential, concurrent
        }
    }

    let sessions: Int
    let latency: Duration
    let concurrency: Int
    let folder: URL
    /// Told of each stage as it starts.
    var stage: @Sendable (String) -> Void = { _ in }

    func measure() async throws -> Result {
        stage("writing \(sessions) sessions")
        let export = folder.appendingPathComponent("export.jsonl")
        var options = PostHogExportGenerator.Options()
        options.sessions = sessions
        _ = try PostHogExportGenerator(options: options).write(to: export)
        return try await GradingBenchModelServer(latency: latency).run { url in
            stage("grading one session at a time")
            let sequential = try await grade(export, baseURL: url, concurrency: 1, name: "sequential")
            stage("grading \(concurrency) sessions at a time")
            let concurrent = try await grade(export, baseURL: url, concurrency: concurrency, name: "concurrent")
            let milliseconds = Int(latency.components.seconds * 1000 + latency.components.attoseconds / 1_000_000_000_000_000)
            return Result(sessions: sessions, latencyMilliseconds: milliseconds, sequential: sequential, concurrent: concurrent)
        }
    }

    private func grade(_ export: URL, baseURL: URL, concurrency: Int, name: String) async throws -> Figures {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("\(name).sqlite\(suffix)"))
        }
        let database = try FixloopDatabase(url: folder.appendingPathComponent("\(name).sqlite"))
        let client = OpenAICompatibleModelClient(
            model: "bench", endpoint: ModelEndpoint(baseURL: baseURL), limiter: RateLimiter(), session: ModelWiring.session)
        var pipeline = ScorePipeline(
            database: database,
            assessor: try SessionAssessor(context: .empty, mode: .model, prompts: PromptLibrary()),
            model: ModelClientGradingModel(client: client, price: nil, maxOutputTokens: 1024),
            importer: AnalyticsImporter(format: .posthog))
        pipeline.concurrency = concurrency
        _ = try pipeline.importFiles([export])
        let started = ContinuousClock.now
        let (_, tally) = try await pipeline.grade(since: nil)
        let seconds = (ContinuousClock.now - started).inSeconds
        return Figures(concurrency: concurrency, sessions: tally.sessions, modelCalls: tally.model + tally.rejected, seconds: seconds)
    }
}
