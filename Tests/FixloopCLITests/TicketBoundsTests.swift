@testable import FixloopCLI
import FixloopConfig
import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// Tickets are bounded before the model sees them: binary and oversized ones refused with exit 2, long ones
/// summarised (head, tail, evidence lines, a note) within `[engineer] max_ticket_bytes`.
@Suite(.serialized)
struct TicketBoundsTests {
    static func context(_ root: URL, configuration: FixloopConfiguration = FixloopConfiguration(), environment: [String: String] = [:]) -> CommandContext {
        CommandContext(configuration: configuration, state: StateDirectory(root: root.appendingPathComponent("state")), environment: environment)
    }

    /// A Markdown ticket of about `bytes` with a Python traceback and a failing test name buried in the middle.
    static func longTicket(bytes: Int) -> String {
        var lines = ["# Cart total is negative", "", "The first line of the report: totals go below zero."]
        let noise = "Customer note: I clicked around the shop page and the basket looked odd to me, nothing more to say here."
        let half = bytes / 2 / (noise.utf8.count + 1)
        lines += Array(repeating: noise, count: half)
        lines += ["Traceback (most recent call last):", "  File \"shop/cart.py\", line 5, in total", "AssertionError: total was -5 for [2, 3]",
                  "FAILED tests/test_cart.py::test_total_adds_prices"]
        lines += Array(repeating: noise, count: half)
        lines += ["The last line of the report: seen on every cart since Monday."]
        return lines.joined(separator: "\n")
    }

    @Test func aBinaryTicketIsRefusedWithExitTwo() async throws {
        try await withTemporaryDirectory("fixloop-ticket-binary") { root in
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let file = root.appendingPathComponent("random.md")
            try Data(bytes).write(to: file)
            let (status, output) = await runFixloop(["fix", "--ticket", file.path, "--repo", root.path, "--no-pr"],
                                                    environment: ["FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path, "PATH": "/usr/bin:/bin"])
            #expect(status == 2 && output.contains("[ticket.binary]") && output.contains("random.md"), "\(output)")
        }
    }

    @Test func aTicketOverTheReadCapIsRefusedWithExitTwo() async throws {
        try await withTemporaryDirectory("fixloop-ticket-huge") { root in
            let file = root.appendingPathComponent("huge.md")
            try Data(Self.longTicket(bytes: 3 << 20).utf8).write(to: file)
            let (status, output) = await runFixloop(["fix", "--ticket", file.path, "--repo", root.path, "--no-pr"],
                                                    environment: ["FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path, "PATH": "/usr/bin:/bin"])
            #expect(status == 2 && output.contains("[ticket.too_large]") && output.contains("huge.md") && output.contains("1.0 MiB"), "\(output)")
        }
    }

    @Test func aLongTicketIsSummarisedWithItsHeadTailAndEvidence() async throws {
        try await withTemporaryDirectory("fixloop-ticket-long") { root in
            let file = root.appendingPathComponent("long.md")
            try Data(Self.longTicket(bytes: 300_000).utf8).write(to: file)
            let loader = TicketLoader(context: Self.context(root))
            let ticket = try await loader.load(.file(path: file.path))
            let seen = ticket.fullText
            #expect(seen.utf8.count <= 64 << 10, "the model sees at most 64 KiB: \(seen.utf8.count)")
            #expect(ticket.title == "Cart total is negative")
            for kept in ["The first line of the report", "The last line of the report", "File \"shop/cart.py\", line 5, in total",
                         "AssertionError: total was -5", "test_total_adds_prices", "lines were cut"] {
                #expect(seen.contains(kept), "kept: \(kept)")
            }
            let again = try await loader.load(.file(path: file.path))
            #expect(again == ticket, "the summary is deterministic")
        }
    }

    @Test func theModelBudgetComesFromTheEngineerTable() async throws {
        try await withTemporaryDirectory("fixloop-ticket-config") { root in
            let file = root.appendingPathComponent("long.md")
            try Data(Self.longTicket(bytes: 100_000).utf8).write(to: file)
            let configuration = try FixloopConfiguration(toml: "[engineer]\nmax_ticket_bytes = 8192\n", file: "fixloop.toml")
            let ticket = try await TicketLoader(context: Self.context(root, configuration: configuration)).load(.file(path: file.path))
            #expect(ticket.fullText.utf8.count <= 8192 && ticket.fullText.contains("AssertionError: total was -5"))
        }
    }

    @Test func aLongGitHubIssueIsSummarisedAndABinaryOneRefused() async throws {
        try await withTemporaryDirectory("fixloop-ticket-github") { root in
            let github = GitHubTestServer()
            let long = await github.state.addIssue("acme/shop", title: "Cart total is negative", body: Self.longTicket(bytes: 200_000))
            let binary = await github.state.addIssue("acme/shop", title: "Dump", body: "header\u{0}\u{1}\u{2}" + String(repeating: "\u{FFFD}", count: 5000))
            try await github.run { server in
                let loader = TicketLoader(context: Self.context(root, environment: ["GITHUB_API_URL": server.baseURL.absoluteString, "GITHUB_TOKEN": "test-token"]))
                let ticket = try await loader.load(.github(owner: "acme", name: "shop", number: long))
                #expect(ticket.fullText.utf8.count <= 64 << 10 && ticket.fullText.contains("AssertionError: total was -5"))
                let error = await #expect(throws: TicketContentError.self) {
                    _ = try await loader.load(.github(owner: "acme", name: "shop", number: binary))
                }
                #expect(error?.code == "ticket.binary" && error?.message.contains("gh:acme/shop#\(binary)") == true)
            }
        }
    }
}
