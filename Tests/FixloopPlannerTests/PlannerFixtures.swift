import FixloopPlanner
import FixloopSessionTypes
import Foundation

/// Weeks of sessions with known patterns: a checkout bug many users hit, a rare edge case, noise, and successes.
enum PlannerFixtures {
    /// 2025-06-02, a Monday.
    static let weekOne = Date(timeIntervalSince1970: 1_748_822_400)
    static let week: TimeInterval = 7 * 86_400

    static let chargeFrames = [
        SessionFacts.Frame(file: "/srv/app/shop/checkout.py", function: "charge", line: 14),
        SessionFacts.Frame(file: "/srv/app/shop/web.py", function: "post_checkout", line: 30),
    ]

    /// A session that hit `message` (a `CheckoutError` raised in `charge`) on /checkout and left.
    static func failing(_ index: Int, message: String, start: Date, type: String = "CheckoutError",
                        frames: [SessionFacts.Frame] = chargeFrames) -> ScoredSession {
        let facts = SessionFacts(
            userHash: String(format: "%016x", index % 1000), routes: ["/products/:id", "/checkout"], exitRoute: "/checkout",
            milestones: ["product_added", "/checkout"], goalReached: false,
            exceptions: [SessionFacts.Exception(type: type, message: message, route: "/checkout", handled: false, frames: frames)],
            rageClicks: [], deadClicks: [])
        return ScoredSession(
            id: "s-\(index)", start: start.addingTimeInterval(Double(index) * 60), score: 2,
            blurb: ["-2.5 left 20s after an error", "-1.5 1 unhandled error(s)"], facts: facts)
    }

    /// A session that bought and left happy.
    static func succeeding(_ index: Int, start: Date) -> ScoredSession {
        let facts = SessionFacts(
            userHash: String(format: "%016x", 5000 + index), routes: ["/products/:id", "/checkout", "/orders/:id"],
            exitRoute: "/orders/:id", milestones: ["product_added", "/checkout", "checkout_completed"], goalReached: true,
            exceptions: [], rageClicks: [], deadClicks: [])
        return ScoredSession(id: "ok-\(index)", start: start.addingTimeInterval(Double(index) * 90), score: 10, blurb: ["+2.5 reached a goal"], facts: facts)
    }

    /// One week: `bug` sessions with the amount bug, `rare` with the empty cart, single noise errors, successes.
    static func week(starting start: Date, bug: Int, rare: Int, successes: Int = 60, offset: Int = 0) -> [ScoredSession] {
        var sessions: [ScoredSession] = []
        for index in 0..<bug {
            let amount = 12 + index % 7
            sessions.append(failing(offset + index, message: "charge of \(amount).20 is above the cart total \(amount - 1).00", start: start))
        }
        for index in 0..<rare {
            sessions.append(failing(offset + 500 + index, message: "cart is empty at checkout", start: start))
        }
        let noise = ["Unexpected token < in JSON at position 0", "ResizeObserver loop limit exceeded"]
        for (index, message) in noise.enumerated() {
            sessions.append(failing(offset + 800 + index, message: message, start: start, type: "Error",
                                    frames: [SessionFacts.Frame(file: "assets/app-\(index).js", function: "render\(index)")]))
        }
        for index in 0..<successes { sessions.append(succeeding(offset + index, start: start)) }
        return sessions
    }
}
