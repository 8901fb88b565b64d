import FixloopCore
import FixloopIngest
import FixloopSessionTypes
import Foundation

/// The outcome of checking a model's reply: a grade, or the problems to send back to the model.
public enum ModelGradeValidation: Sendable, Hashable {
    /// The reply meets the contract.
    case valid(ModelGrade)
    /// The reply breaks it; each problem is a sentence the model can act on.
    case invalid([String])
}

/// Checks a model's reply against the ``ModelGrade`` contract, strictly: exact keys, types and ranges, and
/// evidence that points at routes and errors the session's timeline really has.
public struct ModelGradeValidator: Sendable {
    static let keys: Set<String> = [
        "score", "intent", "right_product", "went_right", "went_wrong", "failures", "confidence",
    ]

    /// Creates a validator.
    public init() {}

    /// Validates `reply` (JSON, optionally inside a Markdown code fence); with `timeline`, also the evidence.
    public func validate(_ reply: String, against timeline: SessionTimeline? = nil) -> ModelGradeValidation {
        guard let value = try? JSONValue(parsing: Self.unfenced(reply)) else {
            return .invalid(["The reply is not valid JSON; answer with one JSON object and nothing else."])
        }
        guard let object = value.objectValue else {
            return .invalid(["The reply is not a JSON object; answer with one JSON object."])
        }
        var problems: [String] = []
        for key in Self.keys.subtracting(object.keys).sorted() { problems.append("`\(key)` is missing.") }
        for key in Set(object.keys).subtracting(Self.keys).sorted() { problems.append("`\(key)` is not part of the format; remove it.") }
        let score = object["score"]?.numberValue
        if object["score"] != nil, score.map({ $0.rounded() != $0 || $0 < 0 || $0 > 10 }) ?? true || object["score"]?.stringValue != nil {
            problems.append("`score` must be a whole number from 0 to 10.")
        }
        let intent = object["intent"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines)
        if object["intent"] != nil, intent?.isEmpty ?? true { problems.append("`intent` must be a non-empty string.") }
        let rightProduct = object["right_product"]?.boolValue
        if object["right_product"] != nil, rightProduct == nil { problems.append("`right_product` must be true or false.") }
        let wentRight = strings(object["went_right"], key: "went_right", problems: &problems)
        let wentWrong = strings(object["went_wrong"], key: "went_wrong", problems: &problems)
        let confidence = object["confidence"]?.numberValue
        if object["confidence"] != nil, confidence.map({ $0 < 0 || $0 > 1 }) ?? true || object["confidence"]?.stringValue != nil {
            problems.append("`confidence` must be a number from 0 to 1.")
        }
        let failures = self.failures(object["failures"], timeline: timeline, problems: &problems)
        guard problems.isEmpty, let score, let intent, let rightProduct, let confidence else {
            return .invalid(problems)
        }
        return .valid(
            ModelGrade(
                score: Int(score), intent: intent, rightProduct: rightProduct, wentRight: wentRight,
                wentWrong: wentWrong, failures: failures, confidence: confidence))
    }

    private func strings(_ value: JSONValue?, key: String, problems: inout [String]) -> [String] {
        guard let value else { return [] }
        guard let array = value.arrayValue, array.allSatisfy({ $0.stringValue != nil }) else {
            problems.append("`\(key)` must be an array of strings.")
            return []
        }
        return array.compactMap(\.stringValue)
    }

    private func failures(_ value: JSONValue?, timeline: SessionTimeline?, problems: inout [String]) -> [ModelGrade.Failure] {
        guard let value else { return [] }
        guard let array = value.arrayValue else {
            problems.append("`failures` must be an array of objects.")
            return []
        }
        let routes = timeline.map(Self.routes(in:))
        let errors = timeline.map { $0.exceptions.map { "\($0.summary.type): \($0.summary.message)" } }
        var result: [ModelGrade.Failure] = []
        for (index, item) in array.enumerated() {
            let prefix = "`failures[\(index)]`"
            guard let signature = item["signature"]?.stringValue, !signature.isEmpty,
                let evidence = item["evidence"]?.objectValue,
                let event = evidence["event"]?.stringValue, !event.isEmpty,
                let route = evidence["route"]?.stringValue
            else {
                problems.append("\(prefix) needs a non-empty `signature` and `evidence` with string `event` and `route`.")
                continue
            }
            var error: String?
            switch evidence["error"] {
            case nil, .null?: error = nil
            case .string(let text)?: error = text
            default: problems.append("\(prefix).evidence.error must be a string or null.")
            }
            if let routes, !routes.contains(route) {
                problems.append("\(prefix).evidence.route \(route) is not in the timeline; use a route from it.")
            }
            if let errors, let error, !errors.contains(where: { $0.contains(error) || error.contains($0.prefix { $0 != ":" }) }) {
                problems.append("\(prefix).evidence.error is not an error in the timeline; quote its type.")
            }
            result.append(.init(signature: signature, evidence: .init(event: event, route: route, error: error)))
        }
        return result
    }

    /// Every route and screen the timeline mentions.
    static func routes(in timeline: SessionTimeline) -> Set<String> {
        var routes: Set<String> = []
        for entry in timeline.entries {
            switch entry.kind {
            case .page(let route, _), .rageClick(_, let route), .deadClick(_, let route),
                .webVital(_, _, _, let route):
                routes.insert(route)
            case .screen(let name): routes.insert(name)
            case .exception(let summary): routes.insert(summary.route)
            case .milestone(let name, _) where name.hasPrefix("/"): routes.insert(name)
            default: break
            }
        }
        return routes
    }

    /// The text inside a ```json fence, or the reply trimmed.
    static func unfenced(_ reply: String) -> String {
        let trimmed = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("```"), let firstNewline = trimmed.firstIndex(of: "\n") else { return trimmed }
        var body = trimmed[trimmed.index(after: firstNewline)...]
        if body.hasSuffix("```") { body = body.dropLast(3) }
        return String(body)
    }
}
