@testable import FixloopCLI
import FixloopCore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// `fixloop demo`: the whole loop on the bundled example, offline, from the bundled scripted transcript
/// (`examples/demo/demo-transcript.jsonl`) — what the README's main-job command runs.
@Suite(.serialized) struct DemoTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = repositoryRoot.appendingPathComponent("examples")
    static let transcript = examples.appendingPathComponent("demo/demo-transcript.jsonl")

    static func run(_ arguments: [String], environment: [String: String]) async -> (Int32, String) {
        await runFixloop(arguments, environment: environment)
    }

    @Test func theDemoRunsTheWholeLoopOfflineFromTheBundledTranscript() async throws {
        try await withTemporaryDirectory("fixloop-demo") { root in
            let work = root.appendingPathComponent("work")
            // With the PostHog project named, the review links each session to its replay.
            let config = root.appendingPathComponent("fixloop.toml")
            try "[posthog]\nhost = \"https://eu.posthog.com\"\nproject_id = 4242\n".write(to: config, atomically: true, encoding: .utf8)
            // Keys in the environment alone never make the demo live (the base URLs lead nowhere, should they be used).
            let (status, text) = await Self.run(
                ["demo", "--work", work.path, "--examples", Self.examples.path],
                environment: ["HOME": root.path, "PATH": "/usr/bin:/bin", "OPENAI_API_KEY": "sk-test-key", "ANTHROPIC_API_KEY": "sk-ant-test",
                              "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "ANTHROPIC_BASE_URL": "http://127.0.0.1:9",
                              "FIXLOOP_CONFIG": config.path])
            #expect(status == 0, "\(text)")
            #expect(text.contains("a scripted transcript, not a live model"))
            #expect(!text.contains("(live"), "\(text)")
            // At the end: commands a newcomer can paste, with the demo's state folder.
            let next = try #require(text.components(separatedBy: "\nnext:\n").last, "\(text)")
            #expect(next.contains("export FIXLOOP_HOME=\(DemoNext.quoted(work.appendingPathComponent("state").path))"), "\(next)")
            for command in ["fixloop show latest", "fixloop tickets list", "fixloop outcomes", "fixloop report", "--model openai:"] {
                #expect(next.contains(command), "\(command) in \(next)")
            }
            // Scorer: every session of the week, some graded by the (replayed) model.
            #expect(text.contains("sessions 320"))
            #expect(text.contains("model 320"), "\(text)")
            // Planner: the planted bug is ticketed, the edge case flagged.
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let ticketLine = try #require(lines.first { $0.hasPrefix("TICKET") })
            #expect(ticketLine.lowercased().contains("discount"), "\(ticketLine)")
            #expect(lines.contains { $0.hasPrefix("FLAG") && $0.contains("emptied") })
            // The rage clicks that follow the planted bug's error belong to its pattern, not to one of their own.
            #expect(lines.filter { $0.hasPrefix("TICKET") }.count == 1 && lines.filter { $0.hasPrefix("FLAG") }.count == 1, "\(text)")
            // Engineer: fixed, verified, the branch pushed to the local remote.
            #expect(text.contains("fix        local:1: fixed"), "\(text)")
            let branches = try await GitCommandLine.run(["branch", "--list", "--format=%(refname:short)", "fixloop/*"],
                                                        in: work.appendingPathComponent("remote/shop.git")).output
            #expect(branches.contains("fixloop/local-1-"), "\(branches)")
            let cart = try await GitCommandLine.run(["show", "\(branches.trimmingCharacters(in: .whitespacesAndNewlines)):shop/cart.py"],
                                                    in: work.appendingPathComponent("remote/shop.git")).output
            #expect(cart.contains("return self.subtotal() - discount"))
            // The fix merged into main on the local remote (libgit2), dated where the bundled weeks meet.
            let remote = work.appendingPathComponent("remote/shop.git")
            let merged = try await GitCommandLine.run(["show", "main:shop/cart.py"], in: remote).output
            #expect(merged.contains("return self.subtotal() - discount"), "\(merged)")
            let mergeCommit = try await GitCommandLine.run(["show", "-s", "--format=%P %ct", "main"], in: remote).output
            #expect(mergeCommit.split(separator: " ").count == 3 && mergeCommit.hasSuffix(" 1749427200\n"), "\(mergeCommit)")
            #expect(text.contains("(learnt from git)"), "\(text)")
            // Week two: the week after, graded, and the healing loop's verdict; the summary ends with it.
            #expect(text.contains("sessions 160"), "\(text)")
            let summary = try #require(text.components(separatedBy: "\n== summary\n").last?.components(separatedBy: "\nnext:\n").first)
            let closing = summary.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").suffix(3).map(String.init)
            #expect(closing.count == 3 && closing[0].hasPrefix("outcome    local:1: healed — "), "\(summary)")
            // Equal windows: the week after ends at its newest session, so the week before is cut to the same length.
            let figures = closing.count == 3 ? closing[1].wholeMatch(of: /\ \ sessions hitting the bug  (\d+) in the ([\d.]+) days before the deploy → 0 in the ([\d.]+) days after/) : nil
            #expect(figures.map { Int($0.1)! > 35 && $0.2 == $0.3 && Double($0.2)! > 6.5 } == true, "\(summary)")
            #expect(closing.count == 3 && closing[2].hasPrefix("  /checkout implied NPS  +") && closing[2].contains(" → +"), "\(summary)")
            // Report: written, with both weeks on it.
            let html = try String(contentsOf: work.appendingPathComponent("review/review.html"), encoding: .utf8)
            #expect(html.contains("id=\"nps-by-day\""))
            #expect(html.contains("<span class=\"badge ticket\">ticket</span>"))
            #expect(html.contains("<span class=\"badge flag\">flag</span>"))
            #expect(html.contains("<span class=\"add\">+        return self.subtotal() - discount</span>"))
            // What a browser builds from it: replay links, the weekly chart, the cards' changes, the fix folded.
            let dom = try HeadlessChromium.dumpDOM(work.appendingPathComponent("review/review.html"))
            #expect(dom.contains(#"<a class="replay" href="https://eu.posthog.com/project/4242/replay/"#), "\(dom.prefix(4000))")
            #expect(dom.contains(#"id="nps-by-week""#))
            #expect(dom.components(separatedBy: #"<span class="delta "#).count - 1 == 7)
            #expect(dom.contains(#"<div class="card" id="card-sessions"><div class="big">480<span class="delta up good">▲480</span>"#), "\(dom.prefix(4000))")
            #expect(dom.contains(#"<details class="diff"><summary>The change: "#))
            #expect(dom.contains(#"<span class="status new""#))
            // "Did last weeks' fixes work?": the fix, healed, its before/after figures and chart, the merge on the weekly chart.
            let outcomes = try #require(dom.components(separatedBy: #"<section id="outcomes"><h2>Did last weeks' fixes work?</h2>"#).dropFirst().first,
                                        "\(dom.prefix(4000))")
            #expect(outcomes.contains(#"<span class="verdict healed">healed</span>"#), "\(outcomes.prefix(3000))")
            #expect(outcomes.contains(#"<td>matching sessions</td><td class="num">\#(figures?.1 ?? "?")</td><td class="num">0</td>"#), "\(outcomes.prefix(3000))")
            #expect(outcomes.contains("merged Mon 9 Jun 2025"), "\(outcomes.prefix(3000))")
            #expect(dom.contains("local:1 merged 9 Jun"), "the merge marker on the weekly chart")
        }
    }

    @Test func onlyModelMakesTheDemoLive() throws {
        let bundle = try DemoBundle.locate(Self.examples.path, environment: [:])
        let offline = try DemoCommand.parse(["--examples", Self.examples.path]).resolveModel(bundle: bundle)
        #expect(offline.spec.hasPrefix("replay:") && offline.label.contains("no key, no network"))
        let live = try DemoCommand.parse(["--examples", Self.examples.path, "--model", "openai:gpt-4.1"]).resolveModel(bundle: bundle)
        #expect(live.spec == "openai:gpt-4.1" && live.label.contains("(live)"))
    }

    /// Re-records the transcript from scripted replies: `FIXLOOP_RECORD_DEMO=1 swift test --filter recordTheDemoTranscript`
    /// after changing a prompt, the example product or its data (the replay refuses any request it has not seen).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FIXLOOP_RECORD_DEMO"] != nil))
    func recordTheDemoTranscript() async throws {
        try await withTemporaryDirectory("fixloop-demo") { root in
            try await withLoopbackModelServer(.openAI) { model in
                await model.respond(with: DemoScript.respond)
                await model.enqueue(contentsOf: DemoScript.engineer)
                try? FileManager.default.removeItem(at: Self.transcript)
                let (status, text) = await Self.run(
                    ["demo", "--work", root.appendingPathComponent("work").path, "--examples", Self.examples.path,
                     "--model", "openai:demo-model", "--record", Self.transcript.path],
                    environment: ["HOME": root.path, "PATH": "/usr/bin:/bin",
                                  "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-demo"])
                #expect(status == 0, "\(text)")
                #expect(await model.remainingSteps() == 0)
            }
        }
    }
}

/// The scripted side of the demo's model calls: grades by what each session's timeline shows, pattern names by
/// their signature, and the engineer's conversation in order.
enum DemoScript {
    static func respond(_ request: ReceivedModelRequest) -> ModelServerStep? {
        let prompt = (request.body["messages"]?.arrayValue ?? []).compactMap { $0["content"]?.stringValue }.joined(separator: "\n")
        let tokens = prompt.utf8.count / 4
        if prompt.contains("You grade one user session") { return .text(grade(prompt), inputTokens: tokens, outputTokens: 90) }
        if prompt.contains("You are the product manager") { return .text(name(prompt), inputTokens: tokens, outputTokens: 80) }
        return nil
    }

    static func grade(_ prompt: String) -> String {
        let timeline = prompt.components(separatedBy: "# The session").last?.components(separatedBy: "# A rule-based").first ?? ""
        let errorLine = timeline.split(separator: "\n").first { $0.contains(" ERROR ") }.map {
            String($0.drop { $0 != "E" })
        }
        let grade: [String: Any]
        if let errorLine, timeline.contains("is above the cart total") {
            grade = ["score": 1, "intent": "buy gear with a discount code", "right_product": true,
                     "went_right": ["found a product and reached checkout quickly"],
                     "went_wrong": ["the payment was refused with an error right after the discount code was applied",
                                    "left without buying"],
                     "failures": [["signature": "checkout: CheckoutError when paying with a discount code",
                                   "evidence": ["event": errorLine, "route": "/checkout", "error": "CheckoutError"]]],
                     "confidence": 0.9]
        } else if let errorLine, timeline.contains("cart is empty") {
            grade = ["score": 3, "intent": "buy a product", "right_product": true,
                     "went_right": ["added a product to the cart"],
                     "went_wrong": ["pressed Pay now on a cart emptied in the meantime and got an error instead of guidance"],
                     "failures": [["signature": "checkout: CheckoutError on an empty cart",
                                   "evidence": ["event": errorLine, "route": "/checkout", "error": "CheckoutError"]]],
                     "confidence": 0.8]
        } else if timeline.contains("checkout_completed") {
            grade = ["score": 10, "intent": "buy outdoor gear", "right_product": true,
                     "went_right": ["found the product, paid without a hitch and checked the order"], "went_wrong": [],
                     "failures": [], "confidence": 0.9]
        } else if timeline.contains("/pages/business") {
            grade = ["score": 4, "intent": "wholesale prices for a business order", "right_product": false,
                     "went_right": ["found the business customers page quickly"],
                     "went_wrong": ["Acme sells to consumers only; there was nothing for a trade buyer"], "failures": [], "confidence": 0.8]
        } else if timeline.contains("pages 1 ") || timeline.contains("pages 1\n") {
            grade = ["score": 7, "intent": "a first look at the shop", "right_product": true,
                     "went_right": ["the landing page loaded fast"], "went_wrong": ["left after one page without looking at a product"],
                     "failures": [], "confidence": 0.6]
        } else {
            grade = ["score": 8, "intent": "browse outdoor gear", "right_product": true,
                     "went_right": ["looked at products and their reviews without friction"],
                     "went_wrong": ["left without adding anything to the cart"], "failures": [], "confidence": 0.7]
        }
        return String(decoding: try! JSONSerialization.data(withJSONObject: grade, options: [.sortedKeys]), as: UTF8.self)
    }

    static func name(_ prompt: String) -> String {
        let reply: [String: String]
        if prompt.contains("is above the cart total") {
            reply = ["name": "Discount codes make checkout refuse the payment",
                     "summary": "Every order with a discount code fails at payment: the charge comes out above the cart total, so the checkout guard refuses it with CheckoutError and the customer leaves. The discount seems to be added instead of subtracted.",
                     "classification": "bug"]
        } else if prompt.contains("cart is empty at checkout") {
            reply = ["name": "Paying for a cart emptied in another tab",
                     "summary": "A few customers removed the last item and still pressed Pay now; the checkout refuses an empty cart with an error page instead of sending them back to the shop.",
                     "classification": "bug"]
        } else {
            reply = ["name": "Repeated clicks on Pay now after a refused payment",
                     "summary": "Customers press Pay now again and again when the payment is refused; the page gives no feedback they can act on.",
                     "classification": "product_flow"]
        }
        return String(decoding: try! JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The engineer: triage, a reproduction test, reading the cart, the fix and the submission.
    static let engineer: [ModelServerStep] = [
        .text(#"{"class": "bug", "reason": "Checkout refuses every discounted order with an error: wrong behaviour the code can fix."}"#,
              inputTokens: 900, outputTokens: 30),
        .text("""
            A discounted order must be charged less than its total; today `charge` raises. This test shows it.

            tests/test_fixloop_reproduction.py
            <<<<<<< SEARCH
            =======
            from shop.cart import Cart
            from shop.checkout import charge


            def test_a_discount_code_lowers_the_charge():
                cart = Cart()
                cart.add("mug", 1200)
                assert charge(cart, discount_percent=10) == 1080
            >>>>>>> REPLACE
            """, inputTokens: 2400, outputTokens: 120),
        .toolCalls([ScriptedToolCall(id: "call_read", name: "read_file", arguments: .object(["path": .string("shop/cart.py")]))],
                   text: "The guard in charge() is right; the amount it checks comes from Cart.total. Let me read it.",
                   inputTokens: 3100, outputTokens: 40),
        .toolCalls([
            ScriptedToolCall(id: "call_fix", name: "replace", arguments: .object([
                "path": .string("shop/cart.py"),
                "search": .string("        return self.subtotal() + discount"),
                "replace": .string("        return self.subtotal() - discount"),
            ])),
            ScriptedToolCall(id: "call_submit", name: "submit", arguments: .object([
                "root_cause": .string("Cart.total added the discount to the subtotal instead of subtracting it, so every discounted charge came out above the cart total and checkout's guard refused it."),
                "summary": .string("Subtract the discount in Cart.total."),
            ])),
        ], text: "total() adds the discount; it must subtract it.", inputTokens: 3600, outputTokens: 150),
    ]
}
