@testable import FixloopEngineer
import FixloopCore
import FixloopSandbox
import Foundation
import Testing

/// The engineer's test runs read `node --test` per test, with the same ids as `fixloop verify`.
@Suite struct NodeTestRunTests {
    static let project = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/node-calc/project")

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/node"), "needs node at /usr/bin/node"))
    func theEngineerSeesWhichNodeTestFailsByFileAndName() async throws {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("fixloop-node-run-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let workspace = scratch.appendingPathComponent("project")
        try FileManager.default.copyItem(at: Self.project, to: workspace)
        let catalog = SandboxPolicyCatalog(directories: [])
        let tests = SandboxedTests(
            sandbox: try await BubblewrapSandbox.detect(configuration: .init(hostEnvironment: ["TERM": "dumb"])),
            testPolicy: try catalog.policy("test"), setupPolicy: try catalog.policy("setup"), testCommand: "node --test",
            readOnlyPaths: [])
        let run = try await tests.runTests(in: workspace)
        #expect(run.failing == ["test/calc.test.js::divide > six by two"])
        #expect(run.passing == [
            "test/calc.test.js::adds two numbers", "test/calc.test.js::divide > by one",
            "test/format.test.js::adds two numbers",
        ])
        #expect(run.summary == "3 passed, 1 failed, 1 skipped")
    }
}
