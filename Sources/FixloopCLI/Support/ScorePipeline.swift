import FixloopIngest
import FixloopScorer
import FixloopSessionTypes
import FixloopStore
import Foundation

/// What `fixloop score` does, in order: import into the store, read sessions back, assess each (timeline,
/// rubric, prompt), grade through the model when the mode says so, and save sessions and scores.
struct ScorePipeline {
    /// How the sessions of one run were graded.
    struct Tally: Sendable, Hashable, Codable {
        var sessions = 0
        var rubric = 0
        var model = 0
        var reused = 0
        var rejected = 0
        var refused = 0
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

    let database: FixloopDatabase
    let assessor: SessionAssessor
    let model: (any SessionGradingModel)?
    let importer: AnalyticsImporter
    /// Told of the import's and the grading's progress, and asked before the first model call.
    var observer = ScoreObserver()

    /// Imports the files; each batch is committed, so an interrupted import is completed by a rerun.
    func importFiles(_ urls: [URL]) throws -> ImportReport {
        var sink = CountingEventSink(inner: SQLiteEventSink(database: database), report: observer.imported)
        return try importer.importFiles(urls, into: &sink)
    }

    /// Assesses and grades every stored session whose events happened at or after `since`.
    /// - Returns: The scores and how they came about.
    /// - Throws: what the observer throws when asked about the model work (the run stops before any call).
    func grade(since: Date?) async throws -> (scores: [SessionScore], tally: Tally) {
        var assessments: [(SessionAssessment, Bool, SessionFacts)] = []
        try SQLiteSessionReader(database: database, sessionizer: Sessionizer(idleGap: importer.idleGap))
            .forEachSession(since: since) { session in
                let assessment = try assessor.assess(session)
                assessments.append((assessment, session.hasSourceID, SessionFacts(session: session, timeline: assessment.timeline)))
            }
        assessments.sort { ($0.0.score.start, $0.0.score.sessionID) < ($1.0.score.start, $1.0.score.sessionID) }
        let store = SQLiteScoreStore(database: database)
        let grader = SessionGrader(model: model, store: store)
        let work = try await modelWork(assessments.map(\.0), store: store)
        if work.sessions > 0 { try await observer.beforeModelGrading(work) }
        var tally = Tally()
        var scores: [SessionScore] = []
        var allowModel = true
        for (assessment, hasSourceID, facts) in assessments {
            try Task.checkCancellation()
            try await store.saveSession(assessment.timeline, hasSourceID: hasSourceID, facts: facts)
            let (score, outcome) = try await grader.grade(assessment, allowModel: allowModel)
            if outcome == .refused { allowModel = false }
            tally.add(outcome, cost: score.costUSD)
            scores.append(score)
            observer.graded(tally, assessments.count, work.sessions)
        }
        return (scores, tally)
    }

    /// The sessions the model will be asked about: those with a prompt and no stored grade to reuse.
    private func modelWork(_ assessments: [SessionAssessment], store: SQLiteScoreStore) async throws -> ModelGradingWork {
        var work = ModelGradingWork()
        guard model != nil else { return work }
        for assessment in assessments {
            guard let prompt = assessment.prompt else { continue }
            let score = assessment.score
            if let stored = try await store.score(sessionID: score.sessionID, timelineHash: score.timelineHash, promptHash: score.promptHash),
               stored.modelGrade != nil { continue }
            work.sessions += 1
            work.promptCharacters += prompt.count
        }
        return work
    }
}
