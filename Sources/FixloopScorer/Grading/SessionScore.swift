import FixloopIngest
import FixloopSessionTypes
import Foundation

/// A session's grade as the store keeps it: the rubric's, the model's if one was asked, and what identifies
/// the input, so a session graded with the same timeline and prompt is not sent again.
public struct SessionScore: Sendable, Hashable, Codable {
    /// The session.
    public var sessionID: String
    /// The session's start (for the per-day and per-week NPS).
    public var start: Date
    /// The rubric's grade (always present).
    public var rubric: RubricScore
    /// The model's grade, when the model was asked and its reply was valid.
    public var modelGrade: ModelGrade?
    /// Which model graded it, e.g. `anthropic/claude-…`; `nil` for the rubric alone.
    public var model: String?
    /// The grading template's hash (`RenderedPrompt.templateHash`); `nil` for the rubric alone.
    public var promptHash: String?
    /// ``SessionTimeline/contentHash`` of the timeline graded.
    public var timelineHash: String
    /// What the model call cost, in US dollars.
    public var costUSD: Double

    /// Creates a score.
    public init(
        sessionID: String, start: Date, rubric: RubricScore, modelGrade: ModelGrade? = nil, model: String? = nil,
        promptHash: String? = nil, timelineHash: String, costUSD: Double = 0
    ) {
        self.sessionID = sessionID
        self.start = start
        self.rubric = rubric
        self.modelGrade = modelGrade
        self.model = model
        self.promptHash = promptHash
        self.timelineHash = timelineHash
        self.costUSD = costUSD
    }

    /// The score that counts: the model's when there is one, else the rubric's.
    public var score: Int { modelGrade?.score ?? rubric.score }

    /// What went wrong, in a few lines: the model's `went_wrong`, else the rubric's reasons with the ones that
    /// took points away first, largest first (what hurt matters more than what helped).
    public var blurb: [String] {
        if let grade = modelGrade { return grade.wentWrong }
        let penalties = rubric.reasons.filter { $0.hasPrefix("-") }
            .sorted { (Double($0.split(separator: " ")[0]) ?? 0) < (Double($1.split(separator: " ")[0]) ?? 0) }
        return penalties + rubric.reasons.filter { !$0.hasPrefix("-") }
    }

    /// The sample for ``ImpliedNPS``.
    public var npsSample: ImpliedNPS.Sample { ImpliedNPS.Sample(date: start, score: score) }
}

extension SessionTimeline {
    /// A stable hash of the rendered timeline (FNV-1a, 16 hex digits): equal timelines, equal hashes.
    public var contentHash: String { StableHash.hex(StableHash.fnv1a(render())) }
}
