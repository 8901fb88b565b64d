import FixloopPlanner
import FixloopPrompts
import Foundation
import Synchronization
import Testing

/// A planner model double: answers from a list and keeps the prompts it was sent.
final class ScriptedPlannerModel: PlannerModel {
    let replies: Mutex<[String]>
    let prompts = Mutex<[String]>([])
    init(_ replies: [String]) { self.replies = Mutex(replies) }
    var name: String { "scripted" }
    func complete(prompt: String) async throws -> String {
        prompts.withLock { $0.append(prompt) }
        return replies.withLock { $0.isEmpty ? "" : $0.removeFirst() }
    }
}

/// The model names, summarizes and classifies patterns through `prompts/planner/pattern.mustache`; a reply that
/// is not the JSON asked for leaves the rules' label in place.
struct PatternNamingTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/pattern-prompt.txt")

    func sessions() -> [ScoredSession] { PlannerFixtures.week(starting: PlannerFixtures.weekOne, bug: 41, rare: 2) }

    @Test func theModelNamesAndClassifiesFromTheRenderedTemplate() async throws {
        let model = ScriptedPlannerModel([
            #"{"name": "Checkout charges more than the cart total", "summary": "Charge exceeds the total.", "classification": "bug"}"#,
            "```json\n{\"name\": \"Empty cart reaches checkout\", \"summary\": \"Guard the flow.\", \"classification\": \"product_flow\"}\n```",
        ])
        let plan = try await Planner(model: model).plan(sessions: sessions(), since: nil, until: Date())
        #expect(plan.patterns[0].name == "Checkout charges more than the cart total" && plan.patterns[0].namedBy == "scripted")
        let rare = try #require(plan.patterns.first { $0.signature.template == "cart is empty at checkout" })
        #expect(rare.classification == .productFlow && rare.summary == "Guard the flow.")
        // Ignored patterns are not sent to the model.
        #expect(model.prompts.withLock { $0.count } == 2)
        #expect(plan.patterns.filter { $0.namedBy == "rules" }.count == 2)
        let prompt = try #require(model.prompts.withLock { $0.first })
        if ProcessInfo.processInfo.environment["FIXLOOP_UPDATE_GOLDEN"] == "1" {
            try prompt.write(to: Self.golden, atomically: true, encoding: .utf8)
        }
        #expect(prompt == (try String(contentsOf: Self.golden, encoding: .utf8)))
    }

    @Test func aReplyThatIsNotTheJSONAskedForKeepsTheRulesLabel() async throws {
        let plan = try await Planner(model: ScriptedPlannerModel(["I think it is a bug.", #"{"name": "x", "summary": "y", "classification": "chore"}"#]))
            .plan(sessions: sessions(), since: nil, until: Date())
        #expect(plan.patterns[0].name.hasPrefix("CheckoutError in charge"))
        #expect(plan.patterns.prefix(2).allSatisfy { $0.namedBy == "rules (the model's reply was not valid)" })
    }

    @Test func theRulesNameAPatternWithoutAModel() async throws {
        let plan = try await Planner().plan(sessions: sessions(), since: nil, until: Date())
        #expect(plan.namedBy == "rules")
        #expect(plan.patterns[0].name == "CheckoutError in charge on /checkout: charge of <num> is above the cart total <num>")
        #expect(plan.patterns[0].summary.hasPrefix("41 sessions (41 users) met CheckoutError: charge of <num> is above the cart total <num> at"))
    }
}
