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

    /// Imports the files; each batch is committed, so an interrupted import is completed by a rerun.
    func importFiles(_ urls: [URL]) throws -> ImportReport {
        var sink = SQLiteEventSink(database: database)
        return try importer.importFiles(urls, into: &sink)
    }

    /// Assesses and grades every stored session whose events happened at or after `since`.
    /// - Returns: The scores and how they came about.
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
        }
        return (scores, tally)
    }
}
