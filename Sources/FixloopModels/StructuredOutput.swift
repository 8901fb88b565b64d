import FixloopCore
import Foundation

/// The result of asking a model for JSON that matches a schema.
public enum StructuredOutcome: Sendable, Hashable {
    /// The model gave a matching value (perhaps after the repair request).
    case value(JSONValue, replies: [ModelReply])
    /// Two answers in a row did not match; the last violation and text are kept for the trajectory.
    case invalid(violation: String, lastText: String, replies: [ModelReply])
    /// A budget refused one of the calls.
    case refused(BudgetRefusal)
}

extension ModelClient {
    /// Asks for one JSON value that matches `schema`, validates it, and on a violation sends one repair request
    /// that names the violation. A second failure is ``StructuredOutcome/invalid(violation:lastText:replies:)``.
    /// - Parameters:
    ///   - messages: the conversation; the schema instruction is added as a system message.
    ///   - schema: the JSON Schema the answer must match (see ``JSONSchemaValidator`` for the subset checked).
    ///   - name: a short name for the schema (OpenAI's `json_schema.name`).
    ///   - maxOutputTokens: the answer's token limit.
    /// - Throws: the clients' ``ModelError`` when a call fails after its retries.
    public func requestJSON(
        _ messages: [ChatMessage], schema: JSONValue, name: String = "answer", maxOutputTokens: Int = 4096
    ) async throws -> StructuredOutcome {
        let instruction = ChatMessage.system(
            "Reply with only one JSON value, no prose and no code fence, that matches this JSON Schema: \(schema.jsonText)")
        var conversation = messages + [instruction]
        var replies: [ModelReply] = []
        let validator = JSONSchemaValidator(schema: schema)
        var violation = ""
        for attempt in 1...2 {
            let request = ModelRequest(
                messages: conversation, maxOutputTokens: maxOutputTokens, responseFormat: .jsonSchema(name: name, schema: schema))
            let reply: ModelReply
            switch try await send(request) {
            case .refused(let refusal): return .refused(refusal)
            case .reply(let answer): reply = answer
            }
            replies.append(reply)
            let text = reply.message.content
            switch Self.parseJSON(text) {
            case .success(let value):
                guard let found = validator.firstViolation(in: value) else { return .value(value, replies: replies) }
                violation = found
            case .failure(let failure):
                violation = failure.reason
            }
            if attempt == 2 { return .invalid(violation: violation, lastText: text, replies: replies) }
            conversation.append(.assistant(text))
            conversation.append(.user(
                "Your reply does not match the schema: \(violation). Reply again with only the corrected JSON value."))
        }
        return .invalid(violation: violation, lastText: "", replies: replies)
    }

    /// The JSON in a model's text: the whole text, or the inside of a ```json fence.
    static func parseJSON(_ text: String) -> Result<JSONValue, StructuredParseFailure> {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasPrefix("```") {
            body = String(body.drop(while: { $0 != "\n" }))
            if let end = body.range(of: "```", options: .backwards) { body = String(body[..<end.lowerBound]) }
            body = body.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        do {
            return .success(try JSONValue(parsing: body))
        } catch {
            return .failure(StructuredParseFailure(reason: "the reply is not valid JSON"))
        }
    }
}

/// Why a structured reply could not be parsed.
struct StructuredParseFailure: Error, Hashable {
    let reason: String
}
