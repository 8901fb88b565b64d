import FixloopCore
import FixloopIngest
import FixloopScorer
import FixloopStore
import Foundation

extension ScorePipeline {
    /// Grades through the provider's batch interface: takes the results of the batches an earlier run submitted
    /// (waiting for them as `batch.wait` says), grades every stored session — batch answers checked by the
    /// validator, failed or rejected ones repaired by direct calls —, submits the sessions that still need a grade
    /// and are in no batch, and, unless told not to wait, waits for those and takes their results too.
    /// - Returns: The summary and tally of the last pass, and what became of the batches.
    /// - Throws: the store's, the batch client's and the model's errors; what the observer throws before a submission.
    func gradeInBatches(_ batch: BatchGrading, since: Date?, until: Date? = nil, worst: Int = 5) async throws
        -> (summary: ScoreSummary, tally: Tally, report: BatchGrading.Report) {
        var report = BatchGrading.Report()
        var collection = try await batch.collect(report: &report)
        var (summary, tally, requests) = try await batchPass(collection, submitting: batch.submits, since: since, until: until, worst: worst)
        try await batch.settle(collection)
        if !requests.isEmpty {
            var work = ModelGradingWork()
            work.sessions = requests.count
            work.promptCharacters = requests.reduce(0) { $0 + $1.0.request.messages.reduce(0) { $0 + $1.content.count } }
            try await observer.beforeModelGrading(work)
            try await batch.submit(requests, report: &report)
        } else if !batch.submits, tally.pending > 0 {
            report.notes.append("\(tally.pending) sessions need a model grade and are in no batch; submit them with fixloop score --batch")
            batch.say(report.notes[report.notes.count - 1])
        }
        if batch.wait != .zero, !requests.isEmpty || !collection.waiting.isEmpty {
            var again = BatchGrading.Report()
            collection = try await batch.collect(report: &again)
            report.collected += again.collected
            report.notes += again.notes
            report.running = again.running
            (summary, tally, requests) = try await batchPass(collection, submitting: false, since: since, until: until, worst: worst)
            try await batch.settle(collection)
        }
        return (summary, tally, report)
    }

    /// One pass over the stored sessions: rubric scores, reused grades, batch answers taken (repairs as direct
    /// calls, `concurrency` at a time), and the requests of the sessions that need a grade and are in no batch.
    private func batchPass(_ collection: BatchGrading.Collection, submitting: Bool, since: Date?, until: Date?, worst: Int) async throws
        -> (ScoreSummary, Tally, [(BatchRequest, GradingBatchEntry)]) {
        let store = stores.archive
        let grader = SessionGrader(model: model, store: store)
        let feed = SessionFeed(
            reader: stores.sessionReader(idleGap: importer.idleGap), assessor: assessor, since: since, until: until)
        var tally = Tally()
        var summary = ScoreSummary.Accumulator(worst: worst)
        var requests: [(BatchRequest, GradingBatchEntry)] = []
        let gradingModel = model as? ModelClientGradingModel
        try await withThrowingTaskGroup(of: (SessionScore, SessionGrader.Outcome, BatchStep).self) { group in
            var running = 0
            func take(_ result: (SessionScore, SessionGrader.Outcome, BatchStep)) {
                running -= 1
                tally.add(result.1, cost: result.0.costUSD)
                if result.2 == .answered { tally.batched += 1 }
                if result.2 == .repaired { tally.repaired += 1 }
                if result.2 == .waiting {
                    tally.rubric -= 1
                    tally.pending += 1
                }
                summary.add(result.0)
            }
            for try await session in feed {
                if running >= max(1, concurrency), let result = try await group.next() { take(result) }
                try Task.checkCancellation()
                let assessment = session.assessment
                let score = assessment.score
                let step: BatchPassStep
                if let prompt = assessment.prompt, let promptHash = score.promptHash, model != nil {
                    let matches = { (entry: GradingBatchEntry) in entry.timelineHash == score.timelineHash && entry.promptHash == promptHash }
                    if let stored = try await store.score(sessionID: score.sessionID, timelineHash: score.timelineHash, promptHash: promptHash),
                       stored.modelGrade != nil {
                        step = .direct
                    } else if let found = collection.answers[score.sessionID], matches(found.entry) {
                        step = .take(found.answer)
                    } else if let entry = collection.waiting[score.sessionID], matches(entry) {
                        step = .wait
                    } else if submitting, let gradingModel {
                        let request = BatchRequest(
                            customID: "g\(requests.count)",
                            request: gradingModel.request(instructions: assessment.instructions ?? "", prompt: prompt))
                        requests.append((request, GradingBatchEntry(
                            batchID: "", customID: request.customID, sessionID: score.sessionID,
                            timelineHash: score.timelineHash, promptHash: promptHash)))
                        step = .wait
                    } else {
                        step = .wait
                    }
                } else {
                    step = .direct
                }
                group.addTask {
                    try await store.saveSession(assessment.timeline, hasSourceID: session.hasSourceID, facts: session.facts)
                    switch step {
                    case .direct:
                        let (score, outcome) = try await grader.grade(assessment)
                        return (score, outcome, .none)
                    case .wait:
                        // Until its batch answers, the session keeps the rubric's score (stored without a prompt hash).
                        let (score, outcome) = try await grader.grade(assessment, allowModel: false)
                        return (score, outcome, .waiting)
                    case .take(let answer):
                        let (score, outcome, direct) = try await grader.accept(answer, for: assessment)
                        return (score, outcome, direct ? .repaired : outcome == .model ? .answered : .none)
                    }
                }
                running += 1
            }
            while let result = try await group.next() { take(result) }
        }
        return (summary.summary, tally, requests)
    }
}

/// What the batch pass does with one session.
private enum BatchPassStep: Sendable {
    case direct
    case wait
    case take(SessionGrader.BatchAnswer)
}

/// How a session's score of the batch pass came about, beyond its outcome.
enum BatchStep: Sendable, Hashable {
    case none
    /// The batch's reply was valid.
    case answered
    /// A direct call was needed after the batch (a rejected reply, a failed or expired request).
    case repaired
    /// It waits for a batch (submitted now or earlier); the rubric's score stands until then.
    case waiting
}
