import FixloopCore
import FixloopModels
import FixloopPrompts

/// Decides whether a ticket is a bug the engineer should take.
struct Triage {
    let model: any ModelClient
    let prompts: PromptLibrary

    static let schema: JSONValue = .object([
        "type": .string("object"),
        "properties": .object([
            "class": .object(["type": .string("string"), "enum": .array(TicketClass.allCases.map { .string($0.rawValue) })]),
            "reason": .object(["type": .string("string")]),
        ]),
        "required": .array([.string("class"), .string("reason")]),
    ])

    /// The decision, or a reason the model's answer could not be used.
    func classify(_ ticket: Ticket) async throws -> Result<TriageDecision, TriageFailure> {
        let prompt = try prompts.render(TriagePrompt(ticket: ticket)).text
        switch try await model.requestJSON([.user(prompt)], schema: Self.schema, name: "triage", maxOutputTokens: 400) {
        case .value(let value, _):
            guard let name = value["class"]?.stringValue, let ticketClass = TicketClass(rawValue: name) else {
                return .failure(TriageFailure(reason: "triage: the answer had no valid class"))
            }
            return .success(TriageDecision(ticketClass: ticketClass, reason: value["reason"]?.stringValue ?? ""))
        case .invalid(let violation, _, _):
            return .failure(TriageFailure(reason: "triage: the model's answer was not valid JSON twice (\(violation))"))
        case .refused(let refusal):
            return .failure(TriageFailure(reason: "budget: \(refusal)"))
        }
    }
}

struct TriageFailure: Error { let reason: String }
