import FixloopCore
import FixloopIngest
import Foundation
import Synchronization

/// What a scoring run tells while it works. Every hook is optional; the default says nothing and asks nothing.
struct ScoreObserver: Sendable {
    /// Events handed to the store so far.
    var imported: @Sendable (_ events: Int) -> Void = { _ in }
    /// Called once, before the first model call, with the work the model will be given; throwing stops the run
    /// with nothing sent (what was imported and assessed stays stored).
    var beforeModelGrading: @Sendable (ModelGradingWork) async throws -> Void = { _ in }
    /// After each session: the tally so far, how many sessions in all, how many go to the model.
    var graded: @Sendable (_ tally: ScorePipeline.Tally, _ sessions: Int, _ modelSessions: Int) -> Void = { _, _, _ in }
}

/// The sessions the model will be asked about in one run, before any call.
struct ModelGradingWork: Sendable, Equatable {
    var sessions = 0
    /// The characters of their prompts together.
    var promptCharacters = 0
}

/// A sink that counts the events it passes on, for the import's progress line.
struct CountingEventSink<Inner: AnalyticsEventSink>: AnalyticsEventSink {
    var inner: Inner
    let report: @Sendable (Int) -> Void
    private(set) var events = 0

    init(inner: Inner, report: @escaping @Sendable (Int) -> Void) {
        self.inner = inner
        self.report = report
    }

    mutating func store(_ batch: [AnalyticsEvent]) throws -> Int {
        let stored = try inner.store(batch)
        events += batch.count
        report(events)
        return stored
    }
}

extension CountingEventSink: CursorEventSink where Inner: CursorEventSink {
    mutating func store(_ batch: [AnalyticsEvent], cursor: ImportCursor) throws -> Int {
        let stored = try inner.store(batch, cursor: cursor)
        events += batch.count
        report(events)
        return stored
    }

    func cursor(for source: String) throws -> String? { try inner.cursor(for: source) }
}

/// What model grading will cost, said before the first call: "N sessions × ~T tokens ≈ $X".
struct GradingEstimate: Sendable, Equatable {
    /// Tokens a grading reply takes, roughly: a small JSON object.
    static let outputTokensPerSession = 300

    var model: ModelSpec
    var sessions: Int
    /// Input tokens per session, on average (four characters a token).
    var inputTokensPerSession: Int
    /// Dollars for one call per session, or nil when the model has no price.
    var costUSD: Double?
    /// Priced at the provider's batch rate (`score --batch`).
    var batch = false

    init(work: ModelGradingWork, model: ModelSpec, price: ModelPrice?, batch: Bool = false) {
        self.model = model
        self.batch = batch
        sessions = work.sessions
        inputTokensPerSession = work.sessions == 0 ? 0 : work.promptCharacters / 4 / work.sessions + 1
        let usage = TokenUsage(inputTokens: work.promptCharacters / 4 + work.sessions,
                               outputTokens: Self.outputTokensPerSession * work.sessions)
        costUSD = price.map { batch ? $0.batchCost(of: usage) : $0.cost(of: usage) }
    }

    /// The model is free (local), so there is nothing to confirm.
    var isFree: Bool { costUSD == 0 }

    var text: String {
        let tokens = inputTokensPerSession + Self.outputTokensPerSession
        let cost = costUSD.map { "$" + String(format: $0 < 1 ? "%.4f" : "%.2f", $0) } ?? "an unknown cost (\(model) has no price; add it under [prices])"
        let how = batch ? "in a batch at the batch price, a direct retry when a reply is invalid"
            : "one call each, a retry when a reply is invalid"
        return "\(sessions) sessions × ~\(tokens) tokens ≈ \(cost) with \(model) (\(how))"
    }
}

/// The two progress lines of `fixloop score`: the import (events, events a second, the files' size) and the
/// grading (n/N sessions, model calls, spend so far, time left).
final class ScoreProgress: Sendable {
    private let started = ContinuousClock.now
    private let bytes: Int64
    private let files: Int
    private let importLine = ProgressLine("score: import", pipeInterval: .seconds(10))
    private let gradingLine = ProgressLine("score: grading", pipeInterval: .seconds(10))
    private let open = Mutex<ProgressLine?>(nil)
    private let gradingStarted = Mutex<ContinuousClock.Instant?>(nil)

    init(files: [URL]) {
        self.files = files.count
        bytes = files.reduce(0) { total, url in
            total + ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    func imported(_ events: Int) {
        open.withLock { $0 = importLine }
        let seconds = max((ContinuousClock.now - started).inSeconds, 0.001)
        let size = ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)
        importLine.update("\(events) events (\(Int(Double(events) / seconds))/s) from \(files) file\(files == 1 ? "" : "s") of \(size)")
    }

    func graded(_ tally: ScorePipeline.Tally, sessions: Int, modelSessions: Int) {
        let now = ContinuousClock.now
        let since = gradingStarted.withLock { start in
            if start == nil { start = now }
            return start!
        }
        open.withLock { $0 = gradingLine }
        var text = "\(tally.sessions)/\(sessions) sessions"
        if modelSessions > 0 {
            let asked = tally.model + tally.rejected + tally.refused
            text += " · model \(asked)/\(modelSessions) · $" + String(format: "%.4f", tally.costUSD) + " so far"
            if asked > 0, asked < modelSessions {
                let left = (now - since).inSeconds / Double(asked) * Double(modelSessions - asked)
                text += " · about \(DurationText.short(left)) left"
            }
        }
        gradingLine.update(text)
    }

    /// Ends the line being drawn, if any.
    func close() {
        open.withLock { line in
            line?.finish()
            line = nil
        }
    }
}
