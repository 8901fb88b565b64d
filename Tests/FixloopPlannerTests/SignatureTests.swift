import FixloopCore
import FixloopPlanner
import FixloopSessionTypes
import Foundation
import Testing

/// Failure signatures: values templated, messages that differ only in values grouped, decisions by threshold.
struct SignatureTests {
    @Test(arguments: [
        ("charge of 13.20 is above the cart total 12.00", "charge of <num> is above the cart total <num>"),
        ("Order 8f14e45f-ceea-467f-a0e5-0b7e2a9c5d11 not found", "Order <uuid> not found"),
        ("user bob@example.com has no cart", "user <email> has no cart"),
        ("GET https://api.shop.example/v1/cart?id=4 failed", "GET <url> failed"),
        ("cannot open /var/data/cart-7.json", "cannot open <path>"),
        ("commit 3f9a2b71c0d4e5f6 is missing", "commit <hash> is missing"),
        ("KeyError: 'discount_code'", "KeyError: <str>"),
        ("item ord_12ab34 is out of stock", "item <id> is out of stock"),
    ])
    func masksTheVariableParts(message: String, template: String) {
        #expect(ValueMasker().mask(message) == template)
    }

    @Test func drainMergesMessagesThatDifferInWordsMasksMiss() {
        var miner = DrainMiner()
        for name in ["Alice", "Bob", "Carol"] { miner.add("payment declined for \(name) by the bank", key: "E") }
        miner.add("payment service unavailable", key: "E")
        #expect(miner.template(for: "payment declined for Bob by the bank", key: "E") == "payment declined for <*> by the bank")
        #expect(miner.template(for: "payment service unavailable", key: "E") == "payment service unavailable")
    }

    @Test func messagesDifferingOnlyInIDsAreOnePattern() async throws {
        let start = PlannerFixtures.weekOne
        var sessions: [ScoredSession] = []
        for index in 0..<6 {
            let id = UUID().uuidString.lowercased()
            let message = ["Order \(id) not found for user u\(index)x\(index * 7)abc",
                           "Order \(id) not found for user \(index * 31)"][index % 2]
            sessions.append(PlannerFixtures.failing(index, message: message, start: start, type: "NotFound"))
        }
        sessions.append(PlannerFixtures.failing(9, message: "Order 12 was cancelled", start: start, type: "NotFound"))
        let plan = try await Planner().plan(sessions: sessions, since: nil, until: start.addingTimeInterval(PlannerFixtures.week))
        let notFound = plan.patterns.filter { $0.signature.template.contains("not found") }
        #expect(notFound.count == 1)
        #expect(notFound.first?.stats.sessions == 6)
        #expect(plan.patterns.count == 2, "\(plan.patterns.map(\.signature.text))")
    }

    @Test func aFrequentPatternIsTicketedARareOneFlaggedAndNoiseIgnored() async throws {
        let sessions = PlannerFixtures.week(starting: PlannerFixtures.weekOne, bug: 41, rare: 2)
        let plan = try await Planner().plan(sessions: sessions, since: nil, until: PlannerFixtures.weekOne.addingTimeInterval(PlannerFixtures.week))
        let actions = Dictionary(uniqueKeysWithValues: zip(plan.patterns.map(\.signature.template), plan.decisions.map(\.action)))
        #expect(actions["charge of <num> is above the cart total <num>"] == .ticket)
        #expect(actions["cart is empty at checkout"] == .flag)
        #expect(plan.decisions.filter { $0.action == .ignore }.count == 2)
        let bug = try #require(plan.patterns.first)
        #expect(bug.stats.sessions == 41 && bug.classification == .bug)
        #expect(bug.signature.frames == ["/srv/app/shop/checkout.py:charge", "/srv/app/shop/web.py:post_checkout"])
        #expect(bug.stats.meanScore == 2 && bug.stats.baselineMeanScore > 5)
        #expect(plan.decisions[0].reason.contains("41 sessions reach ticket_sessions 40"))
        #expect(plan.decisions[1].reason.contains("flag_sessions 2"))
    }

    @Test func rageClicksInTheSessionsAnErrorBrokeAreThatErrorsPattern() async throws {
        var sessions = PlannerFixtures.week(starting: PlannerFixtures.weekOne, bug: 41, rare: 2)
        for index in sessions.indices where sessions[index].id.hasPrefix("s-") && index % 10 != 3 {
            sessions[index].facts?.rageClicks = [SessionFacts.Click(label: "Pay now", route: "/checkout")]
        }
        // Rage clicks elsewhere, in sessions without an error, stay a pattern of their own.
        for index in sessions.indices where sessions[index].id.hasPrefix("ok-") && index % 6 == 0 {
            sessions[index].facts?.rageClicks = [SessionFacts.Click(label: "Size guide", route: "/products/:id")]
        }
        let plan = try await Planner().plan(sessions: sessions, since: nil, until: Date())
        let bug = try #require(plan.patterns.first)
        #expect(bug.signature.kind == .exception && bug.stats.sessions == 41)
        #expect(bug.variants.map(\.text) == ["rage click on /checkout: Pay now"])
        #expect(plan.decisions.filter { $0.action == .ticket }.count == 1)
        #expect(plan.patterns.contains { $0.signature.subject == "Size guide" })
    }

    @Test func aShareOfTheRoutesSessionsIsATicketToo() async throws {
        var settings = PlannerSettings()
        settings.ticketShare = 0.3
        let sessions = PlannerFixtures.week(starting: PlannerFixtures.weekOne, bug: 20, rare: 0, successes: 20)
        let plan = try await Planner(settings: settings).plan(sessions: sessions, since: nil, until: Date())
        #expect(plan.decisions.first?.action == .ticket)
        #expect(plan.decisions.first?.reason.contains("of /checkout's") == true)
        let quiet = PlannerFixtures.week(starting: PlannerFixtures.weekOne, bug: 20, rare: 0, successes: 200)
        let second = try await Planner(settings: settings).plan(sessions: quiet, since: nil, until: Date())
        #expect(second.decisions.first?.action == .flag)
    }

    @Test func theFingerprintIgnoresValuesAndLinesButNotTheRaiseSite() {
        let a = FailureSignature(kind: .exception, route: "/checkout", subject: "E", template: "x <num>", frames: ["a.py:f"])
        var b = a
        b.route = "/cart"
        var c = a
        c.frames = ["b.py:f"]
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != c.fingerprint)
    }
}
