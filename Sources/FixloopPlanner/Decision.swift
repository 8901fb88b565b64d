import FixloopCore
import Foundation

/// What the planner decided for a pattern, and why.
public struct Decision: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        /// File a ticket (or update the one already filed).
        case ticket
        /// Note it for a human; no ticket.
        case flag
        /// Too rare to mention.
        case ignore
    }

    /// Linear's scale: 1 urgent … 4 low.
    public enum Priority: Int, Sendable, Hashable, Codable, Comparable {
        case urgent = 1, high, normal, low

        public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
        public var name: String { ["urgent", "high", "normal", "low"][rawValue - 1] }
    }

    public var fingerprint: String
    public var action: Action
    public var priority: Priority
    /// sessions × score drop × severity.
    public var impact: Double
    /// One sentence: which threshold was met and how the priority came about.
    public var reason: String

    /// Decides for `pattern` under `settings`.
    public static func make(for pattern: Pattern, settings: PlannerSettings) -> Decision {
        let stats = pattern.stats
        let severity = pattern.signature.kind.severity
        // A pattern whose sessions score no lower than the period still costs something: half a point.
        let drop = max(stats.scoreDrop, 0.5)
        let impact = Double(stats.sessions) * drop * severity
        let priority: Priority = impact >= 150 ? .urgent : impact >= 50 ? .high : impact >= 10 ? .normal : .low
        let share = Int((stats.routeShare * 100).rounded())
        let impactText = "impact \(stats.sessions) sessions × \(format(drop)) points below the period × severity \(format(severity)) = \(format(impact)) → \(priority.name)"
        let action: Action
        let why: String
        if stats.sessions >= settings.ticketSessions {
            action = .ticket
            why = "\(stats.sessions) sessions reach ticket_sessions \(settings.ticketSessions)"
        } else if stats.sessions >= settings.ticketShareMinimumSessions, stats.routeShare >= settings.ticketShare {
            action = .ticket
            why = "\(share)% of \(stats.route)'s \(stats.routeSessions) sessions reach ticket_share \(Int(settings.ticketShare * 100))%"
        } else if stats.sessions >= settings.flagSessions {
            action = .flag
            why = "\(stats.sessions) sessions reach flag_sessions \(settings.flagSessions) but not ticket_sessions \(settings.ticketSessions)"
        } else {
            action = .ignore
            why = "\(stats.sessions) session\(stats.sessions == 1 ? "" : "s") below flag_sessions \(settings.flagSessions)"
        }
        return Decision(fingerprint: pattern.fingerprint, action: action, priority: priority, impact: impact, reason: "\(why); \(impactText)")
    }

    /// `3` or `2.5`: one decimal, none when whole.
    public static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
