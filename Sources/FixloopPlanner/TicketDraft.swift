import FixloopCore
import Foundation

/// A ticket as the planner writes it for any tracker: title, Markdown body with the hidden marker, labels,
/// priority; and the comment that updates it with new counts.
public struct TicketDraft: Sendable, Hashable, Codable {
    public var fingerprint: String
    /// Every fingerprint the pattern answers to (a ticket filed under any of them is this pattern's).
    public var fingerprints: [String]
    public var title: String
    public var body: String
    public var labels: [String]
    public var priority: Decision.Priority
    public var classification: Pattern.Classification
    /// The sessions counted, to tell whether an update has anything new.
    public var sessions: Int
    /// The comment for a ticket filed before.
    public var updateComment: String
    /// The repository the codebase check searched (`--repo`), for the engineer; nil when none was given.
    public var repository: String?
    /// The pattern as data: what the local store keeps with the ticket for the engineer.
    public var pattern: PatternEvidence

    /// `<!-- fixloop:pattern=FINGERPRINT -->`: how a ticket is found again on GitHub.
    public static func marker(_ fingerprint: String) -> String { "<!-- fixloop:pattern=\(fingerprint) -->" }

    public init(pattern: Pattern, decision: Decision, period: String, repository: String? = nil) {
        self.repository = repository
        fingerprint = pattern.fingerprint
        fingerprints = Array(Set([pattern.fingerprint] + pattern.memberFingerprints)).sorted()
        title = pattern.name
        labels = ["fixloop", pattern.classification.rawValue.replacingOccurrences(of: "_", with: "-")]
        priority = decision.priority
        classification = pattern.classification
        sessions = pattern.stats.sessions
        body = Self.body(pattern, decision, period)
        self.pattern = PatternEvidence(
            pattern: pattern.fingerprint, kind: pattern.signature.kind.words, route: pattern.signature.route,
            signature: pattern.signature.text, frames: pattern.signature.frames, messages: pattern.exampleMessages,
            examples: pattern.stats.examples.map { .init(sessionID: $0.sessionID, score: $0.score, blurb: $0.blurb) },
            suspectedCode: pattern.suspectedCode.map { .init(path: $0.path, line: $0.line, reason: $0.reason) },
            impact: .init(sessions: pattern.stats.sessions, users: pattern.stats.users, routeShare: pattern.stats.routeShare,
                          meanScore: pattern.stats.meanScore, baselineScore: pattern.stats.baselineMeanScore,
                          firstSeen: pattern.stats.firstSeen, lastSeen: pattern.stats.lastSeen))
        let stats = pattern.stats
        updateComment = """
            Fixloop update (\(period)): \(stats.sessions) sessions, \(stats.users) users, \(Self.percent(stats.routeShare)) of \(stats.route)'s sessions; \
            mean score \(Decision.format(stats.meanScore)) against \(Decision.format(stats.baselineMeanScore)); last seen \(Self.date(stats.lastSeen)).
            \(Self.marker(pattern.fingerprint))
            """
    }

    static func body(_ pattern: Pattern, _ decision: Decision, _ period: String) -> String {
        let stats = pattern.stats
        var lines = [
            pattern.summary, "",
            "**Class:** \(pattern.classification.rawValue) · **Priority:** \(decision.priority.name) · **Period:** \(period)", "",
            "## Pattern", "",
            "- kind: \(pattern.signature.kind.words)",
            "- signature: `\(pattern.signature.text)`",
        ]
        lines += pattern.variants.map { "- also: `\($0.text)`" }
        lines += pattern.signature.frames.map { "- frame: `\($0)`" }
        if !pattern.exampleMessages.isEmpty {
            lines += ["", "Messages seen:", "```"] + pattern.exampleMessages + ["```"]
        }
        lines += [
            "", "## Stats", "",
            "| sessions | users | share of \(stats.route) | mean score | period | NPS | period NPS | first seen | last seen |",
            "|---|---|---|---|---|---|---|---|---|",
            "| \(stats.sessions) | \(stats.users) | \(percent(stats.routeShare)) of \(stats.routeSessions) | \(Decision.format(stats.meanScore)) | \(Decision.format(stats.baselineMeanScore)) | \(Decision.format(stats.nps)) | \(Decision.format(stats.baselineNPS)) | \(date(stats.firstSeen)) | \(date(stats.lastSeen)) |",
            "", "Decision: \(decision.reason).", "", "## Example sessions", "",
        ]
        lines += stats.examples.map { "- `\($0.sessionID)` (score \($0.score)): \($0.blurb.joined(separator: "; "))" }
        if !pattern.suspectedCode.isEmpty {
            lines += ["", "## Suspected code", ""] + pattern.suspectedCode.map { "- `\($0.path)\($0.line.map { ":\($0)" } ?? "")` — \($0.reason)" }
        }
        lines += ["", marker(pattern.fingerprint)]
        return lines.joined(separator: "\n")
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
