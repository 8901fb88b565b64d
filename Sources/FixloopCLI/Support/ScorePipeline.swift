import FixloopIngest
import FixloopScorer
import FixloopSessionTypes
import FixloopStore
import Foundation
import Synchronization

/// What `fixloop score` does, in order: import into the store, stream sessions back, assess each (timeline,
/// rubric, prompt), grade through a bounded pool of graders (the model when the mode says so), and save sessions
/// and scores as they finish.
struct ScorePipeline {
    /// How the sessions of one run were graded.
    struct Tally: Sendable, Hashable, Codable {
        var sessions = 0
        var rubric = 0
        var model = 0
        var reused = 0
        var rejected = 0
        var refused = 0
        /// `score --batch`: graded by a batch's reply, graded directly after a batch (a rejected reply, a failed or
        /// expired request), and waiting for a batch with the rubric's score meanwhile.
        var batched = 0
        var repaired = 0
        var pending = 0
        var costUSD = 0.0

        mutating func add(_ outcome: SessionGrader.Outcome, cost: Double) {
            sessions += 1
            switch outcome {
            case .rubric: rubric += 1
            case .model: model += 1
            case .reused: reused += 1
            case .rejected: rejected += 1
            case .refused: refused += 1
            }
            costUSD += outcome == .reused ? 0 : cost
        }
    }

    /// The machine's SQLite store (the batches of `score --batch`).
    let database: FixloopDatabase
    /// Events, sessions and scores on the configured backend.
    let stores: ScorerStores
    let assessor: SessionAssessor
    let model: (any SessionGradingModel)?
    let importer: AnalyticsImporter
    /// Told of the import's and the grading's progress, and asked before the first model call.
    var observer = ScoreObserver()
    /// Sessions graded at once (`[scorer] concurrency`); the model calls among them share one rate limiter.
    var concurrency = 8

    /// Imports the files; each batch is committed, so an interrupted import is completed by a rerun.
    /// The batches are stored on a ``StoringThread``: the sink may wait on a network database.
    func importFiles(_ urls: [URL]) async throws -> ImportReport {
        let (importer, sink) = (importer, CountingEventSink(inner: stores.eventSink(), report: observer.imported))
        return try await StoringThread.run {
            var sink = sink
            return try importer.importFiles(urls, into: &sink)
        }
    }

    /// Assesses and grades every stored session whose events happened at or after `since` (and before `until`), `concurrency` at a
    /// time. Sessions stream from the store and each score is saved as it is made, so memory stays flat in the
    /// number of sessions, a killed run loses at most the calls in flight, and a rerun reuses what was saved.
    /// - Parameter worst: how many of the worst sessions the summary lists.
    /// - Returns: The summary (independent of the order grades finish in) and how the scores came about.
    /// - Throws: what the observer throws when asked about the model work (the run stops before any call).
    func grade(since: Date?, until: Date? = nil, worst: Int = 5) async throws -> (summary: ScoreSummary, tally: Tally) {
        let store = stores.archive
        let grader = SessionGrader(model: model, store: store)
        let feed = SessionFeed(
            reader: stores.sessionReader(idleGap: importer.idleGap), assessor: assessor, since: since, until: until)
        let (sessions, work) = try await modelWork(feed, store: store)
        if work.sessions > 0 { try await observer.beforeModelGrading(work) }
        let refused = RefusalSwitch()
        var tally = Tally()
        var summary = ScoreSummary.Accumulator(worst: worst)
        try await withThrowingTaskGroup(of: (SessionScore, SessionGrader.Outcome).self) { group in
            var running = 0
            func take(_ result: (SessionScore, SessionGrader.Outcome)) {
                running -= 1
                tally.add(result.1, cost: result.0.costUSD)
                summary.add(result.0)
                observer.graded(tally, sessions, work.sessions)
            }
            for try await session in feed {
                if running >= max(1, concurrency), let result = try await group.next() { take(result) }
                try Task.checkCancellation()
                group.addTask {
                    try await store.saveSession(session.assessment.timeline, hasSourceID: session.hasSourceID, facts: session.facts)
                    // After a budget refused one call the rest keep the rubric's score.
                    let (score, outcome) = try await grader.grade(session.assessment, allowModel: !refused.isOn)
                    if outcome == .refused { refused.turnOn() }
                    return (score, outcome)
                }
                running += 1
            }
            while let result = try await group.next() { take(result) }
        }
        return (summary.summary, tally)
    }

    /// A first pass that keeps nothing: how many sessions there are, and those the model will be asked about
    /// (with a prompt and no stored grade to reuse).
    private func modelWork(_ feed: SessionFeed, store: any SessionArchive) async throws -> (sessions: Int, work: ModelGradingWork) {
        var sessions = 0
        var work = ModelGradingWork()
        for try await session in feed {
            sessions += 1
            guard model != nil, let prompt = session.assessment.prompt else { continue }
            let score = session.assessment.score
            if let stored = try await store.score(sessionID: score.sessionID, timelineHash: score.timelineHash, promptHash: score.promptHash),
               stored.modelGrade != nil { continue }
            work.sessions += 1
            work.promptCharacters += prompt.count + (session.assessment.instructions?.count ?? 0)
        }
        return (sessions, work)
    }
}

/// Turned on once a budget refused a grading call, for every grader.
private final class RefusalSwitch: Sendable {
    private let state = Atomic(false)
    func turnOn() { state.store(true, ordering: .releasing) }
    var isOn: Bool { state.load(ordering: .acquiring) }
}
