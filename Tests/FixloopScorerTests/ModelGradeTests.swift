import FixloopPrompts
import FixloopSessionTypes
import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

@Suite struct ModelGradeTests {
    static func richTimeline() throws -> SessionTimeline {
        let session = try #require(try TimelineTests.sessions("posthog-rich-session.jsonl").first)
        return TimelineBuilder(milestones: TimelineTests.context.milestones).timeline(for: session)
    }

    static let goodReply = """
        ```json
        {"score": 4, "intent": "buy the items in the cart", "right_product": true,
         "went_right": ["paid in the end"], "went_wrong": ["payment threw twice", "coupon link did nothing"],
         "failures": [{"signature": "checkout: TypeError in confirmOrder",
                       "evidence": {"event": "$exception", "route": "/checkout", "error": "TypeError"}},
                      {"signature": "checkout: dead coupon link",
                       "evidence": {"event": "dead-click \\"Apply coupon\\"", "route": "/checkout", "error": null}}],
         "confidence": 0.75}
        ```
        """

    @Test func aReplyMeetingTheContractBecomesAGrade() throws {
        let result = ModelGradeValidator().validate(Self.goodReply, against: try Self.richTimeline())
        guard case .valid(let grade) = result else {
            Issue.record("expected a valid grade, got \(result)")
            return
        }
        #expect(grade.score == 4)
        #expect(grade.rightProduct)
        #expect(grade.failures.count == 2)
        #expect(grade.failures[0].evidence == .init(event: "$exception", route: "/checkout", error: "TypeError"))
        #expect(grade.failures[1].evidence.error == nil)
        #expect(grade.confidence == 0.75)
        let encoded = try JSONEncoder().encode(grade)
        #expect(try JSONDecoder().decode(ModelGrade.self, from: encoded) == grade)
        #expect(String(decoding: encoded, as: UTF8.self).contains("\"right_product\":true"))
    }

    @Test func aSchemaViolatingReplyListsEveryProblem() throws {
        let reply = """
            {"score": 11.5, "intent": "", "right_product": "yes", "went_right": "all of it",
             "failures": [{"signature": "x", "evidence": {"event": "$exception", "route": "/billing", "error": "KeyError"}},
                          {"signature": ""}],
             "confidence": 2, "mood": "bad"}
            """
        let result = ModelGradeValidator().validate(reply, against: try Self.richTimeline())
        #expect(result == .invalid([
            "`went_wrong` is missing.",
            "`mood` is not part of the format; remove it.",
            "`score` must be a whole number from 0 to 10.",
            "`intent` must be a non-empty string.",
            "`right_product` must be true or false.",
            "`went_right` must be an array of strings.",
            "`confidence` must be a number from 0 to 1.",
            "`failures[0]`.evidence.route /billing is not in the timeline; use a route from it.",
            "`failures[0]`.evidence.error is not an error in the timeline; quote its type.",
            "`failures[1]` needs a non-empty `signature` and `evidence` with string `event` and `route`.",
        ]))
    }

    @Test(arguments: ["not json at all", "[1, 2]", "{\"score\": 5", ""])
    func aReplyThatIsNotAnObjectIsRejected(reply: String) {
        guard case .invalid(let problems) = ModelGradeValidator().validate(reply) else {
            Issue.record("expected invalid")
            return
        }
        #expect(problems.count == 1)
    }

    @Test func aStringScoreIsNotAccepted() {
        let reply = #"{"score": "7", "intent": "x", "right_product": true, "went_right": [], "went_wrong": [], "failures": [], "confidence": 0.5}"#
        #expect(ModelGradeValidator().validate(reply) == .invalid(["`score` must be a whole number from 0 to 10."]))
        let fixed = reply.replacingOccurrences(of: "\"7\"", with: "7")
        guard case .valid(let grade) = ModelGradeValidator().validate(fixed) else {
            Issue.record("expected valid")
            return
        }
        #expect(grade.score == 7)
    }
}

/// `prompts/scorer/grade.mustache` rendered through `FixloopPrompts`' `PromptLibrary`, strictly.
@Suite struct GradePromptTests {
    static let templateURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../prompts/scorer/grade.mustache").standardized

    static func context() throws -> GradePromptContext {
        let timeline = try ModelGradeTests.richTimeline()
        return GradePromptContext(
            product: TimelineTests.context, timeline: timeline,
            rubric: RubricScorer().score(timeline, context: TimelineTests.context))
    }

    /// A folder of prompt overrides holding `scorer/grade.mustache` with `text`.
    static func overrides(_ text: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("grade-prompt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scorer"), withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent("scorer/grade.mustache"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func theGradePromptRendersWithEveryKeyAndMatchesTheGoldenFile() throws {
        let context = try Self.context()
        let stable = try PromptLibrary().render(context)
        let session = try PromptLibrary().render(context.session)
        // The stable part first (the system message, cached), the session last; the golden file holds both.
        #expect(!stable.text.contains("RAGE-CLICK \"Pay now\"") && !stable.text.contains("first reading ("))
        let rendered = (text: stable.text + "\n" + session.text, overridden: stable.overridden || session.overridden)
        #expect(!rendered.overridden)
        #expect(!rendered.text.contains("{{"))
        #expect(rendered.text.contains("RAGE-CLICK \"Pay now\" on /checkout"))
        #expect(rendered.text.contains("\"Pay now\""))  // text content type: no HTML escaping
        #expect(!rendered.text.contains("user_9"))
        #expect(rendered.text.contains("- checkout_completed (goal): paid for an order"))
        if ProcessInfo.processInfo.environment["FIXLOOP_UPDATE_GOLDEN"] == "1" {
            try rendered.text.write(to: FixtureFiles.sourceGolden("grade-prompt.txt"), atomically: true, encoding: .utf8)
        }
        #expect(rendered.text == (try String(contentsOf: FixtureFiles.golden("grade-prompt.txt"), encoding: .utf8)))
    }

    @Test func aKeyTheContextLacksFailsTheRender() throws {
        let folder = try Self.overrides("{{productName}} {{#milestones}}{{name}} {{weight}}{{/milestones}} {{sessionLength}}")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect { try PromptLibrary(overrides: folder).render(try Self.context()) } throws: { error in
            guard let error = error as? PromptError else { return false }
            return error.code == "prompt.missing_key" && error.message.contains("sessionLength")
                && error.message.contains("weight")
        }
    }

    /// Grades are reused by the template's hash, so it stays the FNV-1a of the template's text that grades stored
    /// before the renderer moved to `FixloopPrompts` carry.
    @Test func theHashIsTheTemplateTextsAndChangesWithIt() throws {
        let text = try String(contentsOf: Self.templateURL, encoding: .utf8)
        let bundled = try PromptLibrary().render(try Self.context())
        #expect(bundled.templateHash == StableHash.hex(StableHash.fnv1a(text)))
        let folder = try Self.overrides(text + "\nBe brief.\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let overridden = try PromptLibrary(overrides: folder).render(try Self.context())
        #expect(overridden.overridden)
        #expect(overridden.templateHash != bundled.templateHash)
    }
}
