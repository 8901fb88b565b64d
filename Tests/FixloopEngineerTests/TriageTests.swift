@testable import FixloopEngineer
import FixloopCore
import FixloopPrompts
import FixloopTesting
import Testing

/// Triage over a scripted model: a bug goes on, anything else is named, a garbage answer is a failure.
struct TriageTests {
    static let ticket = Ticket(reference: "local:1", title: "Cart total is negative", body: "Two items show a negative total.")

    func classify(_ steps: [ScriptedModelClient.Step]) async throws -> (Result<TriageDecision, TriageFailure>, Int) {
        let model = ScriptedModelClient(steps: steps)
        let result = try await Triage(model: model, prompts: PromptLibrary()).classify(Self.ticket)
        return (result, await model.calls)
    }

    @Test(arguments: [(TicketClass.bug, "a wrong total"), (.featureRequest, "asks for coupons"), (.productFlow, "users miss the button")])
    func theModelsClassAndReasonAreTheDecision(ticketClass: TicketClass, reason: String) async throws {
        let (result, calls) = try await classify([.text(#"{"class": "\#(ticketClass.rawValue)", "reason": "\#(reason)"}"#)])
        #expect(try result.get() == TriageDecision(ticketClass: ticketClass, reason: reason))
        #expect(calls == 1)
    }

    @Test func aGarbageAnswerTwiceIsAFailureNotADecision() async throws {
        let (result, calls) = try await classify([.text("It is probably a bug."), .text("{\"class\": \"banana\"}")])
        guard case .failure(let failure) = result else { Issue.record("expected a failure, got \(result)"); return }
        #expect(failure.reason.hasPrefix("triage:") && failure.reason.contains("not valid JSON twice"))
        #expect(calls == 2)
    }

    @Test func aBudgetRefusalIsAFailureNamedBudget() async throws {
        let refusal = BudgetRefusal(budget: .perRunTokens, model: "openai:test-model", limit: 10, spent: 10, estimate: 400)
        let (result, _) = try await classify([.refused(refusal)])
        guard case .failure(let failure) = result else { Issue.record("expected a failure"); return }
        #expect(failure.reason.hasPrefix("budget:"))
    }
}
