import FixloopCore
import Foundation

/// What a job's runner reports while it works.
public enum ProgressEvent: Sendable, Equatable {
    /// The run was claimed: its id (`fixloop show RUN` shows its trajectory).
    case run(String)
    /// The engineer moved on to a stage.
    case stage(ProgressStage)
    /// A step found something: its stage's line of detail.
    case milestone(FixMilestone)
}

/// What the progress comment shows of one job: when each stage began, what the steps found, the run's id. Kept by
/// the worker while the job runs; rendered by ``ProgressText``.
public struct ProgressLog: Sendable, Equatable {
    public private(set) var runID: String?
    /// When each stage began (`queued`: when the job was asked for).
    public private(set) var began: [ProgressStage: Date]
    public private(set) var current: ProgressStage
    /// What the steps found, in order.
    public private(set) var milestones: [FixMilestone] = []

    /// A log of a job queued at `queued`.
    public init(queued: Date) {
        began = [.queued: queued]
        current = .queued
    }

    /// Takes in `event`, seen at `now`. - Returns: whether the comment changes (a new stage, a detail, the run id).
    @discardableResult
    public mutating func record(_ event: ProgressEvent, at now: Date) -> Bool {
        switch event {
        case .run(let id):
            guard runID != id else { return false }
            runID = id
        case .stage(let stage):
            return enter(stage, at: now)
        case .milestone(let milestone):
            enter(ProgressStage.of(milestone), at: now)
            milestones.append(milestone)
        }
        return true
    }

    /// Moves to `stage` when it comes later than the current one (a late event of an earlier stage moves nothing).
    @discardableResult
    private mutating func enter(_ stage: ProgressStage, at now: Date) -> Bool {
        let order = ProgressStage.allCases
        guard order.firstIndex(of: stage)! > order.firstIndex(of: current)! else { return false }
        began[stage] = now
        current = stage
        return true
    }

    /// How long `stage` took: to the next begun stage's start, or to `now` for the current one; nil when not begun.
    public func elapsed(_ stage: ProgressStage, now: Date) -> TimeInterval? {
        guard let start = began[stage] else { return nil }
        let later = ProgressStage.allCases.drop(while: { $0 != stage }).dropFirst().compactMap { began[$0] }.min()
        return max(0, (later ?? now).timeIntervalSince(start))
    }

    /// From the ask to `now`.
    public func total(now: Date) -> TimeInterval { max(0, now.timeIntervalSince(began[.queued] ?? now)) }
}

extension ProgressStage {
    /// The stage a milestone belongs to.
    public static func of(_ milestone: FixMilestone) -> ProgressStage {
        switch milestone {
        case .reproduced: .reproducing
        case .candidateEnded: .fixing
        case .verified: .verifying
        }
    }
}
