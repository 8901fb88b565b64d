@testable import FixloopCLI
import FixloopCore
import FixloopPlanner
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// `fixloop score` then `fixloop plan` on generated weeks of a Python shop: the right ticket and flag, suspected
/// code found in a copy of examples/shop, local tickets that reruns and later weeks update instead of duplicating.
@Suite(.serialized)
struct PlanCommandTests {
    static let shop = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/shop").standardizedFileURL
    static let product = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../examples/product-context.md").standardizedFileURL

    func run(_ arguments: [String], root: URL, environment extra: [String: String] = [:]) async -> (Int32, String) {
        let output = Mutex("")
        var environment = ["FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path,
                           "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        environment.merge(extra) { $1 }
        let status = await Fixloop.run(
            arguments: arguments, environment: environment, output: { text in output.withLock { $0 += text } },
            errors: { text in output.withLock { $0 += text } })
        return (status, output.withLock { $0 })
    }

    func score(_ export: PostHogWeekExport, root: URL) async throws {
        let url = root.appendingPathComponent("\(export.prefix).jsonl")
        try export.write(to: url)
        let (status, text) = await run(["score", "--import", url.path, "--product", Self.product.path, "--model", "none"], root: root)
        #expect(status == 0, "\(text)")
    }

    @Test func aWeekOfScoredSessionsYieldsTheTicketAndTheFlagWithSuspectedCode() async throws {
        try await withTemporaryDirectory("fixloop-plan") { root in
            try await score(PostHogWeekExport(start: PlannerFixtures.weekOne, bug: 42, rare: 2, purchases: 50, prefix: "w1"), root: root)
            let (status, text) = await run(["plan", "--since", "2025-06-01", "--until", "2025-06-09", "--repo", Self.shop.path], root: root)
            #expect(status == 0, "\(text)")
            #expect(text.contains("95 sessions (95 with failure facts)"), "\(text)")
            #expect(text.contains("patterns: 3 · tickets 1 · flags 1 · ignored 1"), "\(text)")
            let lines = text.split(separator: "\n")
            let stages = lines.filter { $0.hasPrefix("plan: ") }
            #expect(stages == ["plan: 95 scored sessions, 2025-06-01 → 2025-06-09", "plan: searching \(Self.shop.path) for the code each pattern points at",
                               "plan: 3 patterns; filing tickets in local"], "\(text)")
            let ticketLine = lines.filter { $0.hasPrefix("TICKET ") }
            let flag = lines.filter { $0.hasPrefix("FLAG ") }
            #expect(ticketLine.count == 1 && ticketLine[0].hasSuffix("· CheckoutError in charge on /checkout: charge of <num> is above the cart total <num> [bug]"), "\(text)")
            #expect(flag.count == 1 && flag[0].hasSuffix("· CheckoutError in charge on /checkout: cart is empty at checkout [bug]"), "\(text)")
            #expect(text.contains("42 sessions · 42 users · 45% of /checkout's 94 sessions"), "\(text)")
            #expect(text.contains("code: shop/checkout.py:17 (has the message text \"cart is empty at checkout\")"), "\(text)")
            #expect(text.contains("code: shop/checkout.py:10 (frame charge)"), "\(text)")
            #expect(text.contains("created local:1 · CheckoutError in charge"), "\(text)")

            let (_, list) = await run(["tickets", "list"], root: root)
            #expect(list.contains("local:1  local:1  urgent  42  bug  CheckoutError in charge"), "\(list)")
            let (_, shown) = await run(["tickets", "show", "local:1"], root: root)
            #expect(shown.contains("<!-- fixloop:pattern="), "\(shown)")
            #expect(shown.contains("## Suspected code") && shown.contains("`shop/checkout.py:10` — frame charge"), "\(shown)")

            let store = SQLitePlanStore(database: try FixloopDatabase(url: root.appendingPathComponent("state/fixloop.sqlite")))
            let latest = try #require(try await store.latestPlan())
            #expect(latest.decisions.map(\.action) == [.ticket, .flag, .ignore])
            #expect(latest.tickets.map(\.reference) == ["local:1"])
            #expect(latest.patterns[0].suspectedCode.contains { $0.path == "shop/checkout.py" && $0.line == 10 })

            let context = CommandContext(configuration: .init(), state: .init(root: root.appendingPathComponent("state")), environment: [:])
            let ticket = try await TicketLoader(context: context).load(.local(id: 1))
            #expect(ticket.title.hasPrefix("CheckoutError in charge"))
            #expect(ticket.evidence.contains("charge of 12.20 is above the cart total 11.00"))
            #expect(ticket.evidence.contains("shop/checkout.py:charge"))
            #expect(ticket.repository == Self.shop.path)
            // The pattern reaches the engineer as data, not as Markdown read back.
            let pattern = try #require(ticket.pattern, "the local ticket carries its pattern")
            #expect(pattern.pattern == latest.patterns[0].fingerprint)
            #expect(pattern.suspectedCode.contains { $0.path == "shop/checkout.py" && $0.line == 10 })
            #expect(pattern.examples.count == latest.patterns[0].stats.examples.count && !pattern.examples.isEmpty)
            #expect(pattern.route == latest.patterns[0].signature.route)
        }
    }

    @Test func aRerunAndALaterWeekUpdateTheTicketInsteadOfFilingAnother() async throws {
        try await withTemporaryDirectory("fixloop-plan") { root in
            try await score(PostHogWeekExport(start: PlannerFixtures.weekOne, bug: 40, rare: 2, purchases: 10, prefix: "w1"), root: root)
            let weekOne = ["plan", "--since", "2025-06-01", "--until", "2025-06-09", "--json"]
            let (_, first) = await run(weekOne, root: root)
            let (_, second) = await run(weekOne, root: root)
            #expect(try tickets(first).map(\.action) == ["created"], "\(first)")
            #expect(try tickets(second).map(\.action) == ["unchanged"], "\(second)")

            let nextWeek = PlannerFixtures.weekOne.addingTimeInterval(PlannerFixtures.week)
            try await score(PostHogWeekExport(start: nextWeek, bug: 45, rare: 0, purchases: 10, prefix: "w2"), root: root)
            let (_, third) = await run(["plan", "--since", "2025-06-09", "--until", "2025-06-16", "--json"], root: root)
            #expect(try tickets(third).map(\.action) == ["updated"], "\(third)")
            #expect(try tickets(third).map(\.reference) == ["local:1"])

            let (_, dry) = await run(["plan", "--since", "all", "--until", "2025-06-16", "--dry-run"], root: root)
            #expect(dry.contains("would update local:1"), "\(dry)")
            let (_, list) = await run(["tickets", "list"], root: root)
            #expect(list.split(separator: "\n").count == 1, "\(list)")
            #expect(list.contains("  high  45  bug  "), "\(list)")
        }
    }

    @Test func aModelNamesTheTicketAndTheFlagThroughTheRealClient() async throws {
        try await withTemporaryDirectory("fixloop-plan") { root in
            try await score(PostHogWeekExport(start: PlannerFixtures.weekOne, bug: 40, rare: 2, purchases: 10, prefix: "w1"), root: root)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(
                    .text(#"{"name": "Charge above the cart total", "summary": "Customers are charged more than the cart.", "classification": "bug"}"#),
                    .text(#"{"name": "Empty cart at checkout", "summary": "Checkout opens with an empty cart.", "classification": "product_flow"}"#))
                let environment = ["OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key"]
                let (status, text) = await run(
                    ["plan", "--since", "2025-06-01", "--until", "2025-06-09", "--model", "openai:test-model"], root: root, environment: environment)
                #expect(status == 0, "\(text)")
                #expect(text.contains("named by openai:test-model"), "\(text)")
                #expect(text.contains("· Charge above the cart total [bug]") && text.contains("· Empty cart at checkout [product_flow]"), "\(text)")
                let received = await model.received()
                #expect(received.count == 2)
                #expect(received[0].body.jsonText.contains("charge of <num> is above the cart total <num>"))
                #expect(!received.contains { $0.body.jsonText.contains("@example.com") })
            }
        }
    }

    @Test func anEmptyPeriodSaysHowToGetSessions() async throws {
        try await withTemporaryDirectory("fixloop-plan") { root in
            let (status, text) = await run(["plan"], root: root)
            #expect(status == 0)
            #expect(text.contains("no scored sessions in the period"))
        }
    }

    struct Outcome: Decodable { var action: String; var reference: String? }
    func tickets(_ json: String) throws -> [Outcome] {
        struct Plan: Decodable { var tickets: [Outcome] }
        return try JSONDecoder().decode(Plan.self, from: Data(json.utf8)).tickets
    }
}
