@testable import FixloopCLI
import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// `fixloop fix` on a Swift package: `swift build` and `swift test` run inside the sandbox (the toolchain is bound
/// read-only), the test command is detected from Package.swift, and the fix is verified on a fresh checkout.
struct FixSwiftPackageTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/swift-calc/project")

    @Test func fixesAPlantedBugInASwiftPackage() async throws {
        try await withTemporaryDirectory("fixloop-swift") { root in
            var files: [String: String] = [:]
            for path in ["Package.swift", "Sources/Calc/Calc.swift", "Tests/CalcTests/CalcTests.swift"] {
                files[path] = try String(contentsOf: Self.fixture.appendingPathComponent(path), encoding: .utf8)
            }
            files["Tests/CalcTests/CalcTests.swift"]! += "\n@Test func divides() {\n    #expect(Calc.divide(6, 2) == 3)\n}\n"
            let e2e = FixEndToEndTests()
            let scene = try await e2e.makeScene(root, files: files, ticket: "# Division is wrong\n\nCalc.divide(6, 2) returns 12; the test `divides` fails.\n")
            try await withLoopbackModelServer(.openAI) { model in
                let fix = ScriptedToolCall(id: "fix", name: "replace", arguments: .object([
                    "path": .string("Sources/Calc/Calc.swift"),
                    "search": .string("        // The bug: multiplies instead of dividing.\n        a * b"),
                    "replace": .string("        a / b"),
                ]))
                await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([fix, FixEndToEndTests.submitCall]))
                let (status, text) = await e2e.run(e2e.fixArguments(scene, ["--no-pr"]), model: model, github: nil, scene: scene)
                #expect(status == 0, "\(text)")
                let report = try e2e.json(text)
                #expect(report["outcome"] as? String == "fixed")
                #expect((report["reproduction"] as? [String])?.first?.contains("divides") == true)
                #expect((report["diff"] as? String)?.contains("+        a / b") == true)
            }
        }
    }
}
