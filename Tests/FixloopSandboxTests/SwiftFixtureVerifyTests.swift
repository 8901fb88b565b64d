import FixloopCore
import FixloopSandbox
import Foundation
import Testing

@testable import FixloopVerify

extension Tag {
    /// Tests that build a project in the sandbox (tens of seconds); skip with FIXLOOP_SKIP_SLOW_TESTS=1.
    @Tag static var slow: Self
}

/// `PatchVerifier` on the Swift fixture package: `swift test` builds and runs inside the sandbox.
@Suite(.tags(.slow), .enabled(if: ProcessInfo.processInfo.environment["FIXLOOP_SKIP_SLOW_TESTS"] == nil))
struct SwiftFixtureVerifyTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/swift-calc")

    func verify(patch: String) async throws -> VerificationReport {
        let scratch = try SandboxSupport.temporaryDirectory("swift-verify")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let workspace = scratch.appendingPathComponent("project")
        try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("project"), to: workspace)
        let catalog = SandboxPolicyCatalog(directories: [])
        let verifier = PatchVerifier(
            sandbox: try await SandboxSupport.sandbox(), testPolicy: try catalog.policy("test"),
            setupPolicy: try catalog.policy("setup"))
        func read(_ name: String) throws -> String {
            try String(contentsOf: Self.fixture.appendingPathComponent(name), encoding: .utf8)
        }
        return try await verifier.verify(VerificationRequest(
            workspace: workspace, testPatch: try read("test.patch"), testCommand: "swift test",
            patch: try read(patch)))
    }

    @Test(.timeLimit(.minutes(5)))
    func goldResolvesAndWrongDoesNot() async throws {
        let gold = try await verify(patch: "gold.patch")
        #expect(gold.resolved, "\(gold.reason)\n\(gold.after.outputTail)")
        #expect(gold.failToPass == ["Divides [six by two]": .passed])
        #expect(gold.passToPass == ["adds()": .passed])

        let wrong = try await verify(patch: "wrong.patch")
        #expect(wrong.patchApplied && !wrong.resolved)
        #expect(wrong.passToPass["adds()"] == .failed)
    }
}
