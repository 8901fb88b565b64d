@testable import FixloopCLI
import FixloopCore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// The bundled example (`examples/shop`, `examples/tickets`) fixed with the bundled model transcript
/// (`examples/demo/fix-transcript.jsonl`, replayed): what `scripts/demo` runs, offline.
struct DemoTranscriptTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let example = repositoryRoot.appendingPathComponent("examples/shop")
    static let ticket = repositoryRoot.appendingPathComponent("examples/tickets/discount-raises-total.md")
    static let transcript = repositoryRoot.appendingPathComponent("examples/demo/fix-transcript.jsonl")

    /// The example as a repository, the way scripts/demo makes it.
    static func exampleRepository(in root: URL) async throws -> URL {
        var files: [String: String] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: example.path)! {
            var isDirectory: ObjCBool = false
            let url = example.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  !path.contains("__pycache__") else { continue }
            files[path] = try String(contentsOf: url, encoding: .utf8)
        }
        let repository = root.appendingPathComponent("shop")
        try await GitFixture.makeRepository(at: repository, files: files)
        return repository
    }

    static func run(_ arguments: [String], environment: [String: String]) async -> (Int32, String) {
        let output = Mutex("")
        let status = await Fixloop.run(arguments: arguments, environment: environment,
                                       output: { text in output.withLock { $0 += text } }, errors: { text in output.withLock { $0 += text } })
        return (status, output.withLock { $0 })
    }

    @Test func theBundledTranscriptFixesTheExampleOffline() async throws {
        try await withTemporaryDirectory("fixloop-demo") { root in
            let repository = try await Self.exampleRepository(in: root)
            let (status, text) = await Self.run(
                ["fix", "--ticket", Self.ticket.path, "--repo", repository.path, "--model", "replay:\(Self.transcript.path)", "--no-pr", "--json"],
                environment: ["FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path, "PATH": "/usr/bin:/bin"])
            #expect(status == 0, "\(text)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(report["outcome"] as? String == "fixed")
            #expect(report["reproduction_written"] as? Bool == true)
            let diff = try #require(report["diff"] as? String)
            #expect(diff.contains("+        return self.subtotal() - discount"))
            #expect((report["verification"] as? [String: Any])?["resolved"] as? Bool == true)
        }
    }

    /// Re-records the transcript from scripted replies (run with FIXLOOP_RECORD_DEMO=1 after changing a prompt).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FIXLOOP_RECORD_DEMO"] != nil))
    func recordTheDemoTranscript() async throws {
        try await withTemporaryDirectory("fixloop-demo") { root in
            let repository = try await Self.exampleRepository(in: root)
            try await withLoopbackModelServer(.openAI) { model in
                let reproduction = """
                    The bug is in how the discount is applied; this test shows it.

                    tests/test_fixloop_reproduction.py
                    <<<<<<< SEARCH
                    =======
                    from shop.cart import Cart


                    def test_a_discount_lowers_the_total():
                        cart = Cart()
                        cart.add("mug", 1200)
                        assert cart.total(discount_percent=10) == 1080
                    >>>>>>> REPLACE
                    """
                let read = ScriptedToolCall(id: "call_read", name: "read_file", arguments: .object(["path": .string("shop/cart.py")]))
                let fix = ScriptedToolCall(id: "call_fix", name: "replace", arguments: .object([
                    "path": .string("shop/cart.py"),
                    "search": .string("        return self.subtotal() + discount"),
                    "replace": .string("        return self.subtotal() - discount"),
                ]))
                let submit = ScriptedToolCall(id: "call_submit", name: "submit", arguments: .object([
                    "root_cause": .string("Cart.total added the discount to the subtotal instead of subtracting it. Every discounted order was charged more than its subtotal."),
                    "summary": .string("Subtract the discount in Cart.total."),
                ]))
                await model.enqueue(
                    .text(#"{"class": "bug", "reason": "A discount that raises the price is wrong behaviour the code can fix."}"#),
                    .text(reproduction),
                    .toolCalls([read], text: "Let me read the cart."),
                    .toolCalls([fix, submit], text: "total() adds the discount; it must subtract it."))
                try? FileManager.default.removeItem(at: Self.transcript)
                let (status, text) = await Self.run(
                    ["fix", "--ticket", Self.ticket.path, "--repo", repository.path, "--model", "openai:demo-model",
                     "--record", Self.transcript.path, "--no-pr", "--json"],
                    environment: ["FIXLOOP_HOME": root.appendingPathComponent("state").path, "HOME": root.path, "PATH": "/usr/bin:/bin",
                                  "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-demo"])
                #expect(status == 0, "\(text)")
            }
        }
    }
}
