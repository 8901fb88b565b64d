import FixloopIngest
import Foundation

/// Builds a ``SessionTimeline`` from a session's events and the product's milestones. Pure and deterministic.
public struct TimelineBuilder: Sendable {
    /// The milestones to mark (events by name, routes by template).
    public var milestones: [ProductContext.Milestone]

    /// Events that say nothing about the user's experience.
    static let ignored: Set<String> = [
        "$identify", "$set", "$groupidentify", "$feature_flag_called", "$opt_in", "$snapshot", "$create_alias",
        "$session_start", "$session_end", "$pageleave", "$web_vitals", "$feature_view", "$feature_interaction",
    ]

    /// Creates a builder marking `milestones`.
    public init(milestones: [ProductContext.Milestone] = []) {
        self.milestones = milestones
    }

    /// The timeline of `session`.
    public func timeline(for session: AnalyticsSession) -> SessionTimeline {
        var state = BuildState(start: session.start, milestones: milestones)
        for event in session.events { state.add(event.decodingProperties()) }
        state.closeOpenPage(at: session.end, sessionEnd: true)
        return SessionTimeline(
            sessionID: session.id, source: session.events.first?.source ?? .posthog, start: session.start,
            duration: session.duration, eventCount: session.events.count, entries: state.entries)
    }
}

/// The builder's running state over one session's events.
private struct BuildState {
    let start: Date
    let eventMilestones: [String: Bool]
    let routeMilestones: [String: Bool]
    var entries: [TimelineEntry] = []
    var reached: Set<String> = []
    var openPage: (index: Int, at: Date)?
    var currentRoute = "/"

    init(start: Date, milestones: [ProductContext.Milestone]) {
        self.start = start
        var events: [String: Bool] = [:]
        var routes: [String: Bool] = [:]
        for milestone in milestones {
            if milestone.isRoute { routes[milestone.name] = milestone.isGoal } else { events[milestone.name] = milestone.isGoal }
        }
        eventMilestones = events
        routeMilestones = routes
    }

    mutating func add(_ event: AnalyticsEvent) {
        let offset = event.timestamp.timeIntervalSince(start)
        let route = (event.string("$pathname") ?? event.string("$current_url")).map(PathTemplate.template)
        if let previous = event.number("$prev_pageview_duration"),
            event.name == "$pageview" || event.name == "$pageleave" {
            setDwell(previous)
        }
        switch event.name {
        case "$pageview":
            closeOpenPage(at: event.timestamp)
            currentRoute = route ?? currentRoute
            entries.append(TimelineEntry(offset: offset, kind: .page(route: currentRoute, dwell: nil)))
            openPage = (entries.count - 1, event.timestamp)
            markMilestone(route: currentRoute, offset: offset)
        case "$screen":
            let name = event.string("$screen_name") ?? "screen"
            entries.append(TimelineEntry(offset: offset, kind: .screen(name: name)))
            markMilestone(route: name, offset: offset)
        case "$autocapture":
            let action = event.string("$event_type") ?? "click"
            appendClick(label: label(of: event), action: action, offset: offset)
        case "$rageclick":
            entries.append(TimelineEntry(offset: offset, kind: .rageClick(label: label(of: event), route: route ?? currentRoute)))
        case "$dead_click":
            entries.append(TimelineEntry(offset: offset, kind: .deadClick(label: label(of: event), route: route ?? currentRoute)))
        case "$exception":
            let summary = ExceptionExtractor.summary(of: event, route: route ?? currentRoute)
            entries.append(TimelineEntry(offset: offset, kind: .exception(summary)))
        case "$web_vitals":
            addVitals(of: event, route: route ?? currentRoute, offset: offset)
        default:
            if let isGoal = eventMilestones[event.name] {
                if reached.insert(event.name).inserted {
                    entries.append(TimelineEntry(offset: offset, kind: .milestone(name: event.name, isGoal: isGoal)))
                }
            } else if !event.name.hasPrefix("$"), !TimelineBuilder.ignored.contains(event.name) {
                appendEvent(event.name, offset: offset)
            }
        }
    }

    /// The last page's dwell, when the page view itself did not get one from the next page.
    /// At the session's end a zero dwell means "unknown" (nothing followed the page), so it stays unset.
    mutating func closeOpenPage(at time: Date, sessionEnd: Bool = false) {
        guard let open = openPage else { return }
        let seconds = time.timeIntervalSince(open.at)
        if sessionEnd, seconds <= 0 { return }
        setDwell(seconds)
    }

    private mutating func setDwell(_ seconds: TimeInterval) {
        guard let open = openPage, case .page(let route, nil) = entries[open.index].kind else { return }
        entries[open.index].kind = .page(route: route, dwell: max(0, seconds))
        openPage = nil
    }

    private mutating func markMilestone(route: String, offset: TimeInterval) {
        guard let isGoal = routeMilestones[route], reached.insert(route).inserted else { return }
        entries.append(TimelineEntry(offset: offset, kind: .milestone(name: route, isGoal: isGoal)))
    }

    private mutating func appendClick(label: String, action: String, offset: TimeInterval) {
        if let last = entries.last, case .click(label, action, let count) = last.kind {
            entries[entries.count - 1].kind = .click(label: label, action: action, count: count + 1)
        } else {
            entries.append(TimelineEntry(offset: offset, kind: .click(label: label, action: action, count: 1)))
        }
    }

    private mutating func appendEvent(_ name: String, offset: TimeInterval) {
        if let last = entries.last, case .event(name, let count) = last.kind {
            entries[entries.count - 1].kind = .event(name: name, count: count + 1)
        } else {
            entries.append(TimelineEntry(offset: offset, kind: .event(name: name, count: 1)))
        }
    }

    private mutating func addVitals(of event: AnalyticsEvent, route: String, offset: TimeInterval) {
        for metric in ["LCP", "FCP", "INP", "CLS"] {
            guard let value = event.number("$web_vitals_\(metric)_value") else { continue }
            let rating = event.properties["$web_vitals_\(metric)_event"]?["rating"]?.stringValue
                ?? WebVitalRating.rate(metric, value)
            guard rating != "good" else { continue }
            entries.append(
                TimelineEntry(offset: offset, kind: .webVital(name: metric, value: value, rating: rating, route: route)))
        }
    }

    private func label(of event: AnalyticsEvent) -> String {
        if let text = event.string("$el_text"), !text.isEmpty { return Self.clean(text) }
        if let chain = event.elementsChain, let label = ElementsChain(chain).label { return Self.clean(label) }
        if let elements = event.properties["$elements"]?.arrayValue?.first?.objectValue,
            let text = elements.text("$el_text") {
            return Self.clean(text)
        }
        return "an element"
    }

    /// One line, email addresses masked, at most 60 characters.
    static func clean(_ text: String) -> String { TextMask.masked(text, limit: 60) }
}

/// Google's web-vitals thresholds, used when an event carries no rating of its own.
enum WebVitalRating {
    static func rate(_ metric: String, _ value: Double) -> String {
        let (good, poor): (Double, Double) =
            switch metric {
            case "LCP": (2500, 4000)
            case "FCP": (1800, 3000)
            case "INP": (200, 500)
            default: (0.1, 0.25)
            }
        return value <= good ? "good" : value > poor ? "poor" : "needs-improvement"
    }
}
