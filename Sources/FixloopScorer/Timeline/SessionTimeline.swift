import FixloopIngest
import Foundation

/// A session reduced to what matters for grading: pages with dwell, clicks by label, frustration signals, every
/// exception, poor web vitals, milestones and product events, at offsets from the start.
///
/// It carries no user id; render it with ``render()`` for the model or read ``entries`` for the rubric.
public struct SessionTimeline: Sendable, Hashable {
    /// The session's id.
    public var sessionID: String
    /// The product the events came from.
    public var source: AnalyticsSource
    /// The first event's time.
    public var start: Date
    /// From the first event to the last, in seconds.
    public var duration: TimeInterval
    /// How many raw events the session had.
    public var eventCount: Int
    /// The entries in time order.
    public var entries: [TimelineEntry]

    /// Creates a timeline.
    public init(
        sessionID: String, source: AnalyticsSource, start: Date, duration: TimeInterval, eventCount: Int,
        entries: [TimelineEntry]
    ) {
        self.sessionID = sessionID
        self.source = source
        self.start = start
        self.duration = duration
        self.eventCount = eventCount
        self.entries = entries
    }

    /// Every exception, in order.
    public var exceptions: [(offset: TimeInterval, summary: ExceptionSummary)] {
        entries.compactMap { entry in
            if case .exception(let summary) = entry.kind { return (entry.offset, summary) }
            return nil
        }
    }

    /// The milestones reached, in order.
    public var milestonesReached: [(offset: TimeInterval, name: String, isGoal: Bool)] {
        entries.compactMap { entry in
            if case .milestone(let name, let isGoal) = entry.kind { return (entry.offset, name, isGoal) }
            return nil
        }
    }

    /// Page and screen views.
    public var pageCount: Int {
        entries.filter {
            switch $0.kind {
            case .page, .screen: return true
            default: return false
            }
        }.count
    }

    /// Rage clicks.
    public var rageClickCount: Int {
        entries.filter { if case .rageClick = $0.kind { return true } else { return false } }.count
    }

    /// Dead clicks.
    public var deadClickCount: Int {
        entries.filter { if case .deadClick = $0.kind { return true } else { return false } }.count
    }

    /// Clicks, changes and submits, repeats included.
    public var clickCount: Int {
        entries.reduce(0) { total, entry in
            if case .click(_, _, let count) = entry.kind { return total + count }
            return total
        }
    }

    /// Web vitals rated poor.
    public var poorVitalCount: Int {
        entries.filter { if case .webVital(_, _, "poor", _) = $0.kind { return true } else { return false } }.count
    }

    /// The route of the last page or screen, if any.
    public var exitRoute: String? {
        for entry in entries.reversed() {
            switch entry.kind {
            case .page(let route, _): return route
            case .screen(let name): return name
            default: continue
            }
        }
        return nil
    }
}
