import FixloopCore
import FixloopScorer

/// The scorer's ``SessionGradingModel`` over any ``ModelClient``: the rendered prompt as one user message, the
/// validator's problems with the previous reply as a second one, and the reply's cost at the configured price.
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

    func complete(prompt: String, feedback: [String]) async throws -> GradingReply {
        var messages = [ChatMessage.user(prompt)]
        if !feedback.isEmpty {
            messages.append(.user(
                "Your previous reply was not accepted:\n- " + feedback.joined(separator: "\n- ")
                    + "\nReply again with only the JSON object, fixing these problems."))
        }
        let request = ModelRequest(messages: messages, maxOutputTokens: maxOutputTokens, temperature: 0)
        switch try await client.send(request) {
        case .refused:
            throw ScorerError(.modelRefused, "The grading model \(name) refused the call because a budget would be crossed; raise the budget or grade with --model none.")
        case .reply(let reply):
            return GradingReply(text: reply.message.content, costUSD: price?.cost(of: reply.usage) ?? 0)
        }
    }
}
