import FixloopCore
import FixloopScorer

/// The scorer's ``SessionGradingModel`` over any ``ModelClient``: the stable instructions as the system message
/// (first, so prompt caches serve them; the Anthropic client marks it as a cache breakpoint), the session as the
/// user message, the validator's problems with the previous reply as a second one, and the reply's cost at the
/// configured price.
///
/// It lives in the CLI so that neither the scorer nor the models target depends on the other.
struct ModelClientGradingModel: SessionGradingModel {
    /// The client (budgeted and logged, as ``ModelWiring`` builds it).
    let client: any ModelClient
    /// The price of `client`'s model, or nil when `[prices]` has none (the cost is then 0).
    let price: ModelPrice?
    /// The reply's token limit.
    let maxOutputTokens: Int

    var name: String { client.spec.description }

    func complete(instructions: String, prompt: String, feedback: [String]) async throws -> GradingReply {
        let request = self.request(instructions: instructions, prompt: prompt, feedback: feedback)
        switch try await client.send(request) {
        case .refused:
            throw ScorerError(.modelRefused, "The grading model \(name) refused the call because a budget would be crossed; raise the budget or grade with --model none.")
        case .reply(let reply):
            return GradingReply(text: reply.message.content, costUSD: price?.cost(of: reply.usage) ?? 0)
        }
    }

    /// The request for one session, the same for a direct call and a line of a provider batch.
    func request(instructions: String, prompt: String, feedback: [String] = []) -> ModelRequest {
        var messages = instructions.isEmpty ? [] : [ChatMessage.system(instructions)]
        messages.append(.user(prompt))
        if !feedback.isEmpty {
            messages.append(.user(
                "Your previous reply was not accepted:\n- " + feedback.joined(separator: "\n- ")
                    + "\nReply again with only the JSON object, fixing these problems."))
        }
        return ModelRequest(messages: messages, maxOutputTokens: maxOutputTokens, temperature: 0)
    }
}
