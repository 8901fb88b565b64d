@testable import FixloopEngineer
import FixloopCore
import FixloopPrompts
import Testing

/// Every engineer template renders with its typed context: a key the template uses that the context lacks fails here.
struct EngineerPromptTests {
    static let ticket = Ticket(reference: "gh:acme/shop#12", title: "Total is wrong", body: "Two items show the wrong total.",
                               labels: ["bug"], evidence: ["Traceback: File \"shop/cart.py\", line 3, in total"])
    let library = PromptLibrary()

    @Test(arguments: [true, false])
    func systemPromptRendersForToolAndTextModels(usesTools: Bool) throws {
        let text = try library.render(EngineerSystemPrompt(usesTools: usesTools, maxTurns: 30, budget: "$1.00")).text
        #expect(text.contains("30 turns") && text.contains("$1.00"))
        #expect(text.contains("<<<<<<< SEARCH") != usesTools)
    }

    @Test func taskPromptCarriesTheTicketBaselineAndRanking() throws {
        let localization = Localizer().rank(text: Self.ticket.fullText, files: ["shop/cart.py": "def total(items):\n    return 0\n"])
        let text = try library.render(EngineerTaskPrompt(
            ticket: Self.ticket, testCommand: "python3 -m pytest -rA", baselineSummary: "3 passed, 1 failed",
            reproductionTest: "tests/test_cart.py::test_total", localization: localization, files: ["shop/cart.py"])).text
        #expect(text.contains("gh:acme/shop#12") && text.contains("3 passed, 1 failed"))
        #expect(text.contains("`tests/test_cart.py::test_total`") && text.contains("`shop/cart.py`"))
        #expect(text.contains("Traceback: File \"shop/cart.py\""))
    }

    @Test func triageReproduceAndFeedbackRender() throws {
        #expect(try library.render(TriagePrompt(ticket: Self.ticket)).text.contains("Labels: bug"))
        #expect(try library.render(ReproducePrompt(ticket: Self.ticket, testCommand: "pytest", testFiles: ["tests/test_a.py"], suggestedPath: "tests/test_fixloop_repro.py")).text.contains("tests/test_fixloop_repro.py"))
        let feedback = try library.render(TestFeedbackPrompt(summary: "2 passed, 1 failed", failures: ["t::x"], output: "assert 1 == 2", elided: 10, passed: false)).text
        #expect(feedback.contains("- `t::x`") && feedback.contains("assert 1 == 2") && feedback.contains("do not change the tests"))
    }
}
