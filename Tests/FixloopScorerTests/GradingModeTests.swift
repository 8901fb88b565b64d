import FixloopCore
import FixloopSessionTypes
import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

@Suite struct GradingModeTests {
    static let sure = RubricScore(score: 9, confidence: 0.9, isUnsure: false, reasons: [])
    static let unsure = RubricScore(score: 7, confidence: 0.4, isUnsure: true, reasons: [])

    @Test func onlyUnsureSessionsGoToTheModelInTheCostControlMode() {
        #expect(!GradingMode.rubricOnly.asksModel(for: Self.unsure))
        #expect(GradingMode.modelWhenUnsure.asksModel(for: Self.unsure))
        #expect(!GradingMode.modelWhenUnsure.asksModel(for: Self.sure))
        #expect(GradingMode.model.asksModel(for: Self.sure))
    }

    @Test func theModelsScoreCountsWhenThereIsOne() {
        var score = SessionScore(sessionID: "s", start: Date(timeIntervalSince1970: 0), rubric: Self.unsure, timelineHash: "h")
        #expect(score.score == 7)
        score.modelGrade = ModelGrade(
            score: 3, intent: "x", rightProduct: true, wentRight: [], wentWrong: [], failures: [], confidence: 0.8)
        #expect(score.score == 3)
        #expect(score.npsSample == ImpliedNPS.Sample(date: Date(timeIntervalSince1970: 0), score: 3))
    }

    @Test func theTimelineHashFollowsTheContent() throws {
        let timeline = try ModelGradeTests.richTimeline()
        var changed = timeline
        changed.entries.removeLast()
        #expect(timeline.contentHash == (try ModelGradeTests.richTimeline()).contentHash)
        #expect(timeline.contentHash != changed.contentHash)
    }

    @Test func pastTheRememberedIDLimitTheSinkCatchesDuplicates() throws {
        var sink = CollectingEventSink()
        let importer = AnalyticsImporter(batchSize: 1, maximumRememberedIDs: 2)
        let report = try importer.importFiles([FixtureFiles.url("posthog-events.jsonl")], into: &sink)
        #expect(report.duplicates + report.alreadyStored == 1)
        #expect(report.stored == 7)
    }
}
