import FixloopIngest
import FixloopSessionTypes
import Foundation

extension SessionFacts {
    /// The facts of `session`, read from its `timeline` (and, for frames, its `$exception` events).
    public init(session: AnalyticsSession, timeline: SessionTimeline) {
        var routes: [String] = []
        var rage: [Click] = []
        var dead: [Click] = []
        var exceptions: [Exception] = []
        let frameLists = session.events.filter { $0.name == "$exception" }.map(ExceptionExtractor.inAppFrames(of:))
        for entry in timeline.entries {
            switch entry.kind {
            case .page(let route, _): if !routes.contains(route) { routes.append(route) }
            case .screen(let name): if !routes.contains(name) { routes.append(name) }
            case .rageClick(let label, let route): rage.append(Click(label: label, route: route))
            case .deadClick(let label, let route): dead.append(Click(label: label, route: route))
            case .exception(let summary):
                let frames = exceptions.count < frameLists.count ? frameLists[exceptions.count] : []
                exceptions.append(Exception(
                    type: summary.type, message: summary.message, route: summary.route, handled: summary.handled,
                    frames: frames))
            default: continue
            }
        }
        let milestones = timeline.milestonesReached
        self.init(
            userHash: StableHash.hex(StableHash.fnv1a(session.distinctID)), routes: routes, exitRoute: timeline.exitRoute,
            milestones: milestones.map(\.name), goalReached: milestones.contains { $0.isGoal }, exceptions: exceptions,
            rageClicks: rage, deadClicks: dead)
    }
}

extension ExceptionExtractor {
    /// The first exception's in-app frames, innermost first, at most three; all frames when none is marked in-app.
    static func inAppFrames(of event: AnalyticsEvent) -> [SessionFacts.Frame] {
        guard let first = event.properties["$exception_list"]?.arrayValue?.first?.objectValue else {
            guard let source = event.properties.text("$exception_source") else { return [] }
            return [SessionFacts.Frame(file: fileName(source), function: "?", line: event.properties.text("$exception_lineno").flatMap { Int($0) })]
        }
        let objects = (first["stacktrace"]?["frames"]?.arrayValue ?? []).compactMap(\.objectValue)
        let inApp = objects.filter { $0["in_app"]?.boolValue == true }
        return (inApp.isEmpty ? objects : inApp).reversed().prefix(3).map { frame in
            let function = frame.text("resolved_name") ?? frame.text("function") ?? frame.text("mangled_name") ?? "?"
            let file = frame.text("filename") ?? frame.text("abs_path") ?? frame.text("source") ?? "?"
            return SessionFacts.Frame(
                file: fileName(file), function: function, line: (frame.text("lineno") ?? frame.text("line")).flatMap { Int($0) })
        }
    }
}
