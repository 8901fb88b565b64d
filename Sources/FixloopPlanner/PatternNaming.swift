import FixloopPrompts
import Foundation

/// The planner's model port: a rendered prompt in, the reply's text out. The CLI adapts any `ModelClient`.
public protocol PlannerModel: Sendable {
    /// The model's name, stored as who named a pattern.
    var name: String { get }
    func complete(prompt: String) async throws -> String
}

/// A pattern's name, summary and class before the model (or the rules) weigh in.
public struct PatternLabel: Sendable, Hashable, Codable {
    public var name: String
    public var summary: String
    public var classification: Pattern.Classification
}

/// Names, summarizes and classifies patterns from their signatures and stats alone (`--model none`).
public enum RulePatternNamer {
    public static func label(_ signature: FailureSignature, stats: PatternStats, rightProductShare: Double) -> PatternLabel {
        let name: String
        var classification: Pattern.Classification
        switch signature.kind {
        case .exception:
            let function = signature.frames.first.flatMap { $0.split(separator: ":").last }.map { " in \($0)" } ?? ""
            name = "\(signature.subject)\(function) on \(stats.route): \(signature.template)"
            classification = .bug
        case .rageClick:
            name = "Rage clicks on \"\(signature.subject)\" on \(signature.route)"
            classification = .bug
        case .deadClick:
            name = "Dead clicks on \"\(signature.subject)\" on \(signature.route)"
            classification = .bug
        case .abandonedFlow:
            name = "Flow abandoned on \(signature.route) (\(signature.subject))"
            classification = .productFlow
        case .deadEnd:
            name = "Dead end on \(signature.route): \(signature.subject)"
            let words = ["feature", "missing", "wish", "want", "no way", "cannot find", "can't find", "support for", "not available"]
            classification = words.contains { signature.subject.contains($0) } ? .featureRequest : .productFlow
        }
        // Most of these users came for something else: not a defect of the flow they met.
        if classification == .bug, signature.kind != .exception, rightProductShare < 0.5 { classification = .productFlow }
        let summary = "\(stats.sessions) session\(stats.sessions == 1 ? "" : "s") (\(stats.users) user\(stats.users == 1 ? "" : "s")) met \(signature.text) — "
            + "\(Int((stats.routeShare * 100).rounded()))% of \(stats.route)'s sessions; mean score \(Decision.format(stats.meanScore)) against \(Decision.format(stats.baselineMeanScore)) for the period."
        return PatternLabel(name: String(name.prefix(120)), summary: summary, classification: classification)
    }
}

/// What `prompts/planner/pattern.mustache` is rendered with.
public struct PatternPromptContext: PromptContext {
    public static let templateName = "planner/pattern"
    public struct Example: Encodable, Sendable { public var score: Int; public var blurb: String }

    public var kind: String
    public var route: String
    public var signature: String
    public var variants: [String]
    public var messages: [String]
    public var frames: [String]
    public var sessions: Int
    public var users: Int
    public var routeSharePercent: Int
    public var meanScore: String
    public var baselineMeanScore: String
    public var examples: [Example]
    public var ruleName: String
    public var ruleClassification: String
    public var hasVariants: Bool
    public var hasMessages: Bool
    public var hasFrames: Bool

    init(signature: FailureSignature, variants: [FailureSignature], messages: [String], stats: PatternStats, rules: PatternLabel) {
        kind = signature.kind.words
        route = stats.route
        self.signature = signature.text
        self.variants = variants.map(\.text)
        self.messages = messages
        frames = signature.frames
        sessions = stats.sessions
        users = stats.users
        routeSharePercent = Int((stats.routeShare * 100).rounded())
        meanScore = Decision.format(stats.meanScore)
        baselineMeanScore = Decision.format(stats.baselineMeanScore)
        examples = stats.examples.map { Example(score: $0.score, blurb: $0.blurb.joined(separator: "; ")) }
        ruleName = rules.name
        ruleClassification = rules.classification.rawValue
        hasVariants = !variants.isEmpty
        hasMessages = !messages.isEmpty
        hasFrames = !signature.frames.isEmpty
    }
}

/// Asks the model for a pattern's name, summary and class; falls back to the rules' label when the reply is not
/// the JSON object asked for (the planner never stops for a model's bad reply).
struct ModelPatternNamer {
    let model: any PlannerModel
    let library: PromptLibrary

    func label(_ context: PatternPromptContext, fallback: PatternLabel) async throws -> (PatternLabel, String) {
        let prompt = try library.render(context)
        let reply = try await model.complete(prompt: prompt.text)
        guard let label = Self.parse(reply) else { return (fallback, "rules (the model's reply was not valid)") }
        return (label, model.name)
    }

    /// `{"name": …, "summary": …, "classification": "bug|product_flow|feature_request"}`, bare or fenced.
    static func parse(_ reply: String) -> PatternLabel? {
        guard let start = reply.firstIndex(of: "{"), let end = reply.lastIndex(of: "}") else { return nil }
        struct Reply: Decodable { var name: String; var summary: String; var classification: String }
        guard let decoded = try? JSONDecoder().decode(Reply.self, from: Data(reply[start...end].utf8)),
              let classification = Pattern.Classification(rawValue: decoded.classification),
              !decoded.name.isEmpty
        else { return nil }
        return PatternLabel(name: String(decoded.name.prefix(120)), summary: decoded.summary, classification: classification)
    }
}
