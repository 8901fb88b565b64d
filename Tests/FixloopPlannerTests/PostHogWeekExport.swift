import Foundation

/// A PostHog JSON-lines export of weeks at a shop with a Python backend: sessions that hit a `CheckoutError`
/// raised in `shop/checkout.py` `charge` (amounts vary) and leave, a rare empty-cart error, one-off noise, and
/// purchases. Exceptions come as posthog-python sends them: `$exception_list` with `stacktrace.frames`.
struct PostHogWeekExport {
    var start: Date
    var bug: Int
    var rare: Int
    var purchases: Int
    /// Keeps session ids distinct across weeks.
    var prefix: String

    func lines() -> [String] {
        var lines: [String] = []
        var clock = start
        func session(_ id: String, user: String, steps: [(String, [String: Any])]) {
            for (index, (event, extra)) in steps.enumerated() {
                var properties: [String: Any] = ["$session_id": id]
                properties.merge(extra) { $1 }
                let object: [String: Any] = [
                    "uuid": "\(id)-\(index)", "event": event, "distinct_id": user,
                    "timestamp": ISO8601DateFormatter().string(from: clock.addingTimeInterval(Double(index) * 20)),
                    "properties": properties,
                ]
                let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                lines.append(String(decoding: data, as: UTF8.self))
            }
            clock = clock.addingTimeInterval(600)
        }
        func page(_ path: String) -> (String, [String: Any]) { ("$pageview", ["$pathname": path, "$current_url": "https://shop.example\(path)"]) }
        func exception(_ type: String, _ message: String) -> (String, [String: Any]) {
            ("$exception", ["$pathname": "/checkout", "$exception_list": [[
                "type": type, "value": message, "mechanism": ["handled": false, "type": "generic"],
                "stacktrace": ["type": "raw", "frames": [
                    ["filename": "flask/app.py", "function": "full_dispatch_request", "lineno": 880, "in_app": false],
                    ["filename": "shop/web.py", "function": "post_checkout", "lineno": 31, "in_app": true],
                    ["filename": "shop/checkout.py", "function": "charge", "lineno": 12, "in_app": true],
                ]],
            ]]])
        }
        let browse = [page("/products/7"), ("product_added", [:]), page("/checkout")]
        for index in 0..<bug {
            let amount = 11 + index % 9
            session("\(prefix)-bug-\(index)", user: "user-\(index)@example.com",
                    steps: browse + [exception("CheckoutError", "charge of \(amount + 1).20 is above the cart total \(amount).00")])
        }
        for index in 0..<rare {
            session("\(prefix)-rare-\(index)", user: "rare-\(index)", steps: browse + [exception("CheckoutError", "cart is empty at checkout")])
        }
        session("\(prefix)-noise", user: "noise", steps: [page("/products/3"), exception("ValueError", "invalid literal for int() with base 10: 'abc'")])
        for index in 0..<purchases {
            session("\(prefix)-buy-\(index)", user: "buyer-\(index)", steps: browse + [("checkout_completed", [:]), page("/orders/\(900 + index)")])
        }
        return lines
    }

    func write(to url: URL) throws {
        try (lines().joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }
}
