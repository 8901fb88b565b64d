import FixloopConfig
import FixloopCore
import FixloopExportGenerator
import FixloopIngest
import FixloopModels
import FixloopPrompts
import FixloopScorer
import FixloopStore
import Foundation

/// `fixloop bench grading`'s measurement: a generated week imported into fresh stores, then every session graded
/// through the real pipeline and OpenAI client against ``GradingBenchModelServer`` — once one at a time, once with
/// `concurrency` graders, and once more with `concurrency` graders against a server that plays OpenAI's prompt
/// cache — in the same run. The rate limiter has no limits, so it does not bind.
struct GradingBenchmark: Sendable {
    /// One grading run's figures.
    struct Figures: Sendable, Codable {
        var concurrency: Int
        var sessions: Int
        var modelCalls: Int
        var seconds: Double
        /// Input tokens sent, and those the server reported cached.
        var inputTokens: Int
        var cachedTokens: Int
        var sessionsPerMinute: Double { seconds > 0 ? Double(sessions) / seconds * 60 : 0 }

        /// Input tokens per graded session as billed, cached ones counted at `cachedShare` of the input price.
        func billedInputPerSession(cachedShare: Double) -> Double {
            sessions == 0 ? 0 : (Double(inputTokens - cachedTokens) + Double(cachedTokens) * cachedShare) / Double(sessions)
        }

        enum CodingKeys: String, CodingKey {
            case concurrency, sessions, modelCalls = "model_calls", seconds, inputTokens = "input_tokens", cachedTokens = "cached_tokens"
        }
    }

    /// Both runs, and how much faster the pool was.
    struct Result: Sendable, Codable {
        var sessions: Int
        var latencyMilliseconds: Int
        var sequential: Figures
        var concurrent: Figures
        /// The concurrent run again, against a server that caches prompts.
        var cached: Figures
        /// The cached input price as a share of the input price (gpt-4.1's list prices).
        var cachedShare: Double
        var ratio: Double { concurrent.seconds > 0 ? sequential.seconds / concurrent.seconds : 0 }
        /// Billed input tokens per graded session, caching on over caching off.
        var cacheRatio: Double {
            let off = concurrent.billedInputPerSession(cachedShare: cachedShare)
            return off > 0 ? cached.billedInputPerSession(cachedShare: cachedShare) / off : 0
        }

        enum CodingKeys: String, CodingKey {
            case sessions, latencyMilliseconds = "latency_ms", sequential, concurrent, cached, cachedShare = "cached_share"
        }
    }

    let sessions: Int
    let latency: Duration
    let concurrency: Int
    let folder: URL
    /// Where the grading templates come from (`context.prompts`).
    let prompts: PromptLibrary
    /// The product context the grading prompts carry.
    var product: ProductContext = .empty
    /// Told of each stage as it starts.
    var stage: @Sendable (String) -> Void = { _ in }

    func measure() async throws -> Result {
        stage("writing \(sessions) sessions")
        let export = folder.appendingPathComponent("export.jsonl")
        var options = PostHogExportGenerator.Options()
        options.sessions = sessions
        _ = try PostHogExportGenerator(options: options).write(to: export)
        let (sequential, concurrent) = try await GradingBenchModelServer(latency: latency).run { url, usage in
            stage("grading one session at a time")
            let sequential = try await grade(export, baseURL: url, usage: usage, concurrency: 1, name: "sequential")
            stage("grading \(concurrency) sessions at a time")
            let concurrent = try await grade(export, baseURL: url, usage: usage, concurrency: concurrency, name: "concurrent")
            return (sequential, concurrent)
        }
        let cached = try await GradingBenchModelServer(latency: latency, cacheMinimumTokens: 1024).run { url, usage in
            stage("grading \(concurrency) sessions at a time with a prompt cache")
            return try await grade(export, baseURL: url, usage: usage, concurrency: concurrency, name: "cached")
        }
        let price = ShippedPrices.table.price(for: ModelSpec(provider: .openai, name: "gpt-4.1"))
        let milliseconds = Int(latency.components.seconds * 1000 + latency.components.attoseconds / 1_000_000_000_000_000)
        return Result(
            sessions: sessions, latencyMilliseconds: milliseconds, sequential: sequential, concurrent: concurrent,
            cached: cached, cachedShare: price.map { $0.cachedPerMillion / $0.inputPerMillion } ?? 0.25)
    }

    private func grade(
        _ export: URL, baseURL: URL, usage: GradingBenchModelServer.Usage, concurrency: Int, name: String
    ) async throws -> Figures {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("\(name).sqlite\(suffix)"))
        }
        let database = try FixloopDatabase(url: folder.appendingPathComponent("\(name).sqlite"))
        let client = OpenAICompatibleModelClient(
            model: "bench", endpoint: ModelEndpoint(baseURL: baseURL), limiter: RateLimiter(), session: ModelWiring.session)
        var pipeline = ScorePipeline(
            database: database, stores: ScorerStores(sqlite: database),
            assessor: try SessionAssessor(context: product, mode: .model, prompts: prompts),
            model: ModelClientGradingModel(client: client, price: nil, maxOutputTokens: 1024),
            importer: AnalyticsImporter(format: .posthog))
        pipeline.concurrency = concurrency
        _ = try await pipeline.importFiles([export])
        let (input, cached) = (usage.promptTokens, usage.cachedTokens)
        let started = ContinuousClock.now
        let (_, tally) = try await pipeline.grade(since: nil)
        let seconds = (ContinuousClock.now - started).inSeconds
        return Figures(
            concurrency: concurrency, sessions: tally.sessions, modelCalls: tally.model + tally.rejected, seconds: seconds,
            inputTokens: usage.promptTokens - input, cachedTokens: usage.cachedTokens - cached)
    }
}
