import FixloopCore
import FixloopPlanner

/// The planner's ``PlannerModel`` over any ``ModelClient`` (budgeted and logged, as ``ModelWiring`` builds it).
struct ModelClientPlannerModel: PlannerModel {
    let client: any ModelClient
    let maxOutputTokens: Int

    var name: String { client.spec.description }

    func complete(prompt: String) async throws -> String {
        let request = ModelRequest(messages: [.user(prompt)], maxOutputTokens: maxOutputTokens, temperature: 0)
        switch try await client.send(request) {
        case .refused:
            throw PlannerError(.model, "The planning model \(name) refused the call because a budget would be crossed; raise the budget or plan with --model none.")
        case .reply(let reply):
            return reply.message.content
        }
    }
}
