import FixloopCore
import FixloopExportGenerator
import FixloopPrompts
import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

@Suite struct SessionAssessorTests {
    static func sessions() throws -> [AnalyticsSession] {
        var options = PostHogExportGenerator.Options()
        options.sessions = 40
        options.seed = 11
        let (lines, _) = GeneratorTests.generate(options)
        return Sessionizer().sessions(from: try GeneratorTests.importLines(lines).1)
    }

    @Test func onlyUnsureSessionsGetAPromptInTheCostControlMode() throws {
        let assessor = try SessionAssessor(context: TimelineTests.context, mode: .modelWhenUnsure, prompts: PromptLibrary())
        let assessments = try Self.sessions().map(assessor.assess)
        let prompted = assessments.filter { $0.prompt != nil }
        #expect(!prompted.isEmpty)
        #expect(prompted.count < assessments.count)
        for assessment in assessments {
            #expect((assessment.prompt != nil) == assessment.score.rubric.isUnsure)
            #expect((assessment.score.promptHash != nil) == assessment.score.rubric.isUnsure)
            #expect(assessment.score.timelineHash == assessment.timeline.contentHash)
        }
        #expect(prompted.allSatisfy { $0.prompt!.contains($0.timeline.render().prefix(60)) })
    }

    @Test func theRubricModeNeedsNoTemplateAndAModelModeDoes() throws {
        let rubricOnly = try SessionAssessor(context: TimelineTests.context, mode: .rubricOnly, prompts: nil)
        #expect(try Self.sessions().map(rubricOnly.assess).allSatisfy { $0.prompt == nil })
        #expect(throws: ScorerError.self) {
            try SessionAssessor(context: TimelineTests.context, mode: .model, prompts: nil)
        }
    }

    @Test func theSummaryCountsEverySessionAndListsTheWorstFirst() throws {
        let assessor = try SessionAssessor(context: TimelineTests.context, mode: .rubricOnly, prompts: nil)
        let scores = try Self.sessions().map { try assessor.assess($0).score }
        let summary = ScoreSummary(scores: scores, worst: 3)
        #expect(summary.overall.count == scores.count)
        #expect(summary.days.reduce(0) { $0 + $1.count } == scores.count)
        #expect(summary.weeks.reduce(0) { $0 + $1.count } == scores.count)
        #expect(summary.worst.count == 3)
        #expect(summary.worst.map(\.score) == scores.map(\.score).sorted().prefix(3).map { $0 })
        #expect(summary.worst.allSatisfy { !$0.blurb.isEmpty })
        #expect(summary.unsure == scores.filter(\.rubric.isUnsure).count)
        let promoters = scores.filter { $0.score >= 9 }.count
        let detractors = scores.filter { $0.score <= 6 }.count
        #expect(summary.overall.nps == 100 * Double(promoters - detractors) / Double(scores.count))
    }

    @Test func theSummaryIsTheSameWhateverOrderTheScoresArriveIn() throws {
        let assessor = try SessionAssessor(context: TimelineTests.context, mode: .rubricOnly, prompts: nil)
        let scores = try Self.sessions().map { try assessor.assess($0).score }
        let forward = ScoreSummary(scores: scores, worst: 3)
        #expect(ScoreSummary(scores: scores.reversed(), worst: 3) == forward)
        #expect(ScoreSummary(scores: scores.shuffled(), worst: 3) == forward)
    }

    @Test func theRubricBlurbPutsTheLargestPenaltiesFirst() {
        let rubric = RubricScore(
            score: 2, confidence: 0.85, isUnsure: false,
            reasons: ["+1 milestones product_added", "-1.5 1 unhandled error(s)", "-2.5 left 33s after an error", "-1 1 rage click(s)"])
        let score = SessionScore(sessionID: "s", start: Date(timeIntervalSince1970: 0), rubric: rubric, timelineHash: "h")
        #expect(score.blurb == [
            "-2.5 left 33s after an error", "-1.5 1 unhandled error(s)", "-1 1 rage click(s)", "+1 milestones product_added",
        ])
    }
}
