import FixloopCore
import Foundation

/// A message for an incoming webhook: the notification text and Block Kit blocks.
public struct SlackMessage: Sendable, Equatable {
    /// The fallback shown in notifications and by clients without blocks.
    public var text: String
    public var blocks: [JSONValue]

    public init(text: String, blocks: [JSONValue]) {
        self.text = text
        self.blocks = blocks
    }

    /// The body Slack reads.
    public var payload: JSONValue { .object(["text": .string(text), "blocks": .array(blocks)]) }

    /// The patterns listed by name; the rest are counted.
    static let listedPatterns = 5

    /// The week's summary: NPS (with its change), sessions, tickets fixed, spend, the top patterns, and a button to
    /// the review page when it has an address.
    public static func review(_ digest: ReviewDigest) -> SlackMessage {
        let title = (digest.product.isEmpty ? "Weekly review" : "\(digest.product) weekly review") + " · \(digest.period)"
            + (digest.partial ? " (so far)" : "")
        let nps = signed(digest.nps) + (digest.previousNPS.map { " " + delta(digest.nps - $0) } ?? "")
        var fixed = "\(digest.ticketsFixed) of \(digest.ticketsTried)"
        if digest.ticketErrors > 0 { fixed += " (\(digest.ticketErrors) ended in an error)" }
        var blocks: [JSONValue] = [
            ["type": "header", "text": ["type": "plain_text", "text": .string(String(title.prefix(150))), "emoji": true]],
            ["type": "section", "fields": [
                field("Implied NPS", nps), field("Sessions", grouped(digest.sessions)),
                field("Tickets fixed", fixed), field("Model spend", String(format: "$%.2f", digest.spendUSD)),
            ]],
            ["type": "section", "text": ["type": "mrkdwn", "text": .string(patterns(digest.patterns))]],
        ]
        if let url = digest.reviewURL {
            blocks.append(["type": "actions", "elements": [
                ["type": "button", "text": ["type": "plain_text", "text": "Open the review"], "url": .string(url), "style": "primary"],
            ]])
        }
        let source = digest.reviewURL == nil ? "review: `\(escape(digest.reviewFile))`" : "made by `fixloop report`"
        blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": .string(source)]]])
        let fallback = "\(title): NPS \(nps), \(grouped(digest.sessions)) sessions, \(digest.patterns.count) patterns, \(fixed) tickets fixed"
            + (digest.reviewURL.map { " — \($0)" } ?? "")
        return SlackMessage(text: fallback, blocks: blocks)
    }

    static func field(_ name: String, _ value: String) -> JSONValue {
        ["type": "mrkdwn", "text": .string("*\(name)*\n\(escape(value))")]
    }

    static func patterns(_ patterns: [ReviewDigest.Pattern]) -> String {
        guard !patterns.isEmpty else { return "*Failure patterns*\nNone this period." }
        var lines = patterns.prefix(listedPatterns).map { "• \(escape(String($0.name.prefix(120)))) — \(grouped($0.sessions)) sessions · \($0.decision)" }
        if patterns.count > listedPatterns { lines.append("…and \(patterns.count - listedPatterns) more on the review page") }
        return "*Failure patterns*\n" + lines.joined(separator: "\n")
    }

    /// `+22`, `-8`, `0`.
    static func signed(_ value: Double) -> String {
        let rounded = Int(value.rounded())
        return rounded > 0 ? "+\(rounded)" : "\(rounded)"
    }

    /// `▲5`, `▼3`, `±0`.
    static func delta(_ value: Double) -> String {
        let rounded = Int(value.rounded())
        return rounded > 0 ? "▲\(rounded)" : rounded < 0 ? "▼\(-rounded)" : "±0"
    }

    static func grouped(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.locale = Locale(identifier: "en_US")
        return formatter.string(from: NSNumber(value: value)) ?? "\(value)"
    }

    /// Slack's mrkdwn escapes: `&`, `<`, `>` (so data never becomes a link or a mention).
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
