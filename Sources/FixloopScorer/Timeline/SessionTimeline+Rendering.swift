import FixloopCore
import FixloopIngest
import Foundation

extension SessionTimeline {
    /// The timeline as compact text for the model, one line per entry, with a header and a summary line.
    ///
    /// ```
    /// session 0190a1b0-… · posthog · 2025-06-03T14:00:00Z · 1m00s · 5 events
    /// +0:00 page /pricing 10s
    /// +0:20 click "Start trial" ×2
    /// +0:31 ERROR TypeError: x is undefined at save (src/a.ts:3) on /projects/:id [unhandled]
    /// +1:00 milestone signed_up (goal)
    /// end +1:00 on /signup · pages 2 · clicks 2 · rage 0 · dead 0 · errors 1 · goal reached
    /// ```
    ///
    /// A session with more than `maximumEntries` entries keeps every error, milestone, frustration signal and
    /// poor vital, plus the first and last of the other entries, with a line saying how many were left out.
    public func render(maximumEntries: Int = 300) -> String {
        var lines = [
            "session \(sessionID) · \(source.rawValue) · \(AnalyticsTimestamp.isoSecond(start)) · "
                + "\(DurationText.short(duration)) · \(eventCount) event\(eventCount == 1 ? "" : "s")"
        ]
        var omitted = 0
        let keep = keptEntries(limit: maximumEntries)
        for (index, entry) in entries.enumerated() {
            guard keep[index] else {
                omitted += 1
                continue
            }
            if omitted > 0 {
                lines.append("… \(omitted) entries left out")
                omitted = 0
            }
            lines.append("\(Self.offset(entry.offset)) \(Self.describe(entry.kind))")
        }
        if omitted > 0 { lines.append("… \(omitted) entries left out") }
        let goal = milestonesReached.contains { $0.isGoal } ? "goal reached" : "goal not reached"
        lines.append(
            "end \(Self.offset(duration)) on \(exitRoute ?? "-") · pages \(pageCount) · clicks \(clickCount) · "
                + "rage \(rageClickCount) · dead \(deadClickCount) · errors \(exceptions.count) · \(goal)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Which entries are rendered when at most `limit` may be: every essential one, then the first and last
    /// of the others.
    private func keptEntries(limit: Int) -> [Bool] {
        guard entries.count > limit else { return Array(repeating: true, count: entries.count) }
        let essential = entries.map { Self.isEssential($0.kind) }
        let ordinaryTotal = essential.filter { !$0 }.count
        let budget = max(0, limit - (entries.count - ordinaryTotal))
        var ordinary = 0
        return essential.map { isEssential in
            if isEssential { return true }
            defer { ordinary += 1 }
            return ordinary < (budget + 1) / 2 || ordinary >= ordinaryTotal - budget / 2
        }
    }

    /// Errors, milestones, frustration signals and poor vitals are never left out.
    static func isEssential(_ kind: TimelineEntry.Kind) -> Bool {
        switch kind {
        case .exception, .milestone, .rageClick, .deadClick, .webVital: return true
        case .page, .screen, .click, .event: return false
        }
    }

    static func describe(_ kind: TimelineEntry.Kind) -> String {
        switch kind {
        case .page(let route, let dwell):
            return "page \(route)" + (dwell.map { " \(DurationText.short($0))" } ?? "")
        case .screen(let name): return "screen \(name)"
        case .click(let label, let action, let count):
            return "\(action) \"\(label)\"" + (count > 1 ? " ×\(count)" : "")
        case .rageClick(let label, let route): return "RAGE-CLICK \"\(label)\" on \(route)"
        case .deadClick(let label, let route): return "dead-click \"\(label)\" on \(route)"
        case .exception(let summary):
            var text = "ERROR \(summary.type)"
            if !summary.message.isEmpty { text += ": \(summary.message)" }
            if let frame = summary.frame { text += " at \(frame)" }
            text += " on \(summary.route)"
            if let handled = summary.handled { text += handled ? " [handled]" : " [unhandled]" }
            return text
        case .webVital(let name, let value, let rating, let route):
            let shown = name == "CLS" ? String(format: "%.2f", value) : DurationText.short(value / 1000, precise: true)
            return "slow \(name) \(shown) \(rating) on \(route)"
        case .milestone(let name, let isGoal): return "milestone \(name)" + (isGoal ? " (goal)" : "")
        case .event(let name, let count): return "event \(name)" + (count > 1 ? " ×\(count)" : "")
        }
    }

    /// `+m:ss`, or `+h:mm:ss` past an hour.
    static func offset(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded(.down))
        let (hours, minutes, secs) = (total / 3600, (total % 3600) / 60, total % 60)
        return hours > 0
            ? String(format: "+%d:%02d:%02d", hours, minutes, secs) : String(format: "+%d:%02d", minutes, secs)
    }
}
