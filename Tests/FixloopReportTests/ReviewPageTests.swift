import Foundation
import Testing

@testable import FixloopReport

/// The review page: self-contained, escaped, and — rendered by headless Chromium — showing the week.
@Suite struct ReviewPageTests {
    static let monday = Date(timeIntervalSince1970: 1_748_822_400)  // 2025-06-02

    static func sample() -> WeeklyReview {
        let days = (0..<7).map { index in
            WeeklyReview.NPSPoint(label: "2025-06-0\(index + 2)", nps: Double([45, 25, 10, 30, 20, 16, 43][index]),
                                  sessions: 40 + index, promoters: 20, passives: 15, detractors: 5 + index)
        }
        return WeeklyReview(
            product: "Acme <Shop>", periodStart: monday, periodEnd: monday.addingTimeInterval(7 * 86_400),
            generatedAt: monday.addingTimeInterval(8 * 86_400),
            overall: .init(label: "all", nps: 27.2, sessions: 320, promoters: 130, passives: 147, detractors: 43),
            days: days, distribution: [0, 2, 41, 0, 0, 3, 80, 67, 0, 120, 7],
            worstSessions: [.init(sessionID: "01972fad-4bec", score: 2, blurb: ["left 44s after an error"])],
            patterns: [
                .init(name: "CheckoutError: charge of <num> is above the cart total <num>", kind: "bug", decision: "ticket",
                      reason: "41 sessions ≥ ticket_sessions 40", sessions: 41, users: 38, meanScore: 2.1, baselineScore: 7.4,
                      ticket: "local:1", suspects: ["shop/checkout.py:21"],
                      examples: [.init(sessionID: "01972fad-4bec-7da3", score: 2, blurb: ["payment refused after a discount code"])]),
                .init(name: "CheckoutError: cart is empty at checkout", kind: "bug", decision: "flag",
                      reason: "2 sessions ≥ flag_sessions 2", sessions: 2, users: 2, meanScore: 2, baselineScore: 7.4),
            ],
            fixes: [.init(runID: "run-1", ticket: "local:1", outcome: "fixed", reason: "the reproduction passes",
                          branch: "fixloop/local-1-checkout", pullRequest: "https://github.com/acme/shop/pull/7",
                          rootCause: "Cart.total added the discount.",
                          diff: "--- a/shop/cart.py\n+++ b/shop/cart.py\n@@ -1 +1 @@\n-        return self.subtotal() + discount\n+        return self.subtotal() - discount\n",
                          failToPass: ["tests/test_fixloop_reproduction.py::test_a_discount_lowers_the_total"],
                          passToPass: ["tests/test_cart.py::test_subtotal_counts_quantities"], costUSD: 0.0123)],
            spend: [.init(layer: "scorer", calls: 147, tokens: 90_000, costUSD: 0.05),
                    .init(layer: "engineer", calls: 4, tokens: 9_000, costUSD: 0.0123)])
    }

    @Test func thePageIsSelfContainedAndEscaped() {
        let html = ReviewHTML.render(Self.sample())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("<link"))
        #expect(!html.contains("Acme <Shop>"))
        #expect(html.contains("Acme &lt;Shop&gt;"))
        #expect(html.contains("charge of &lt;num&gt;"))
        // Seven points on the NPS line, eleven bars.
        #expect(html.components(separatedBy: "<circle").count - 1 == 7)
        #expect(html.components(separatedBy: "<rect").count - 1 == 11)
        #expect(html.contains(#"<span class="add">+        return self.subtotal() - discount</span>"#))
    }

    @Test func theMarkdownCarriesTheSameWeek() {
        let markdown = ReviewMarkdown.render(Self.sample())
        #expect(markdown.contains("implied NPS **+27**"))
        #expect(markdown.contains("| CheckoutError: charge of <num> is above the cart total <num> |  | bug | 41 | 38 |"))
        #expect(markdown.contains("- **flag**: CheckoutError: cart is empty at checkout"))
        #expect(markdown.contains("```diff\n--- a/shop/cart.py"))
        #expect(markdown.contains("| scorer | 147 | 90000 | $0.0500 |"))
    }

    @Test func anEmptyWeekSaysSoInsteadOfDrawingNothing() {
        let empty = WeeklyReview(
            product: "p", periodStart: Self.monday, periodEnd: Self.monday.addingTimeInterval(86_400), generatedAt: Self.monday,
            overall: .init(label: "all", nps: 0, sessions: 0, promoters: 0, passives: 0, detractors: 0), days: [], distribution: [])
        let html = ReviewHTML.render(empty)
        #expect(html.contains("No failure patterns this week."))
        #expect(html.contains("The engineer ran no tickets this week."))
        #expect(html.components(separatedBy: "<rect").count - 1 == 11)
    }

    /// Renders the page in headless Chromium (installed by scripts/bootstrap) and reads back the DOM it built and a
    /// screenshot: the key elements must exist after a real browser parsed the page.
    @Test func headlessChromiumRendersTheKeyElements() throws {
        let browser = try #require(
            ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "headless Chromium is needed to check the page: scripts/bootstrap installs Debian's chromium")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("review.html")
        try ReviewHTML.render(Self.sample()).write(to: page, atomically: true, encoding: .utf8)
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                      "--user-data-dir=\(folder.appendingPathComponent("profile").path)"]
        let dom = try Self.run(browser, common + ["--dump-dom", page.absoluteString])
        for id in ["summary", "nps-by-day", "score-distribution", "patterns", "decisions", "fixes", "spend"] {
            #expect(dom.contains("id=\"\(id)\""), "the rendered page lacks #\(id)")
        }
        #expect(dom.components(separatedBy: "<circle").count - 1 == 7)
        #expect(dom.contains("fixloop/local-1-checkout"))
        let shot = folder.appendingPathComponent("review.png")
        _ = try Self.run(browser, common + ["--screenshot=\(shot.path)", "--window-size=1200,2400", page.absoluteString])
        if let keep = ProcessInfo.processInfo.environment["FIXLOOP_KEEP_SCREENSHOT"] { try? FileManager.default.copyItem(atPath: shot.path, toPath: keep) }
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 20_000, "a screenshot of \(png.count) bytes is too small to hold the page")
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
