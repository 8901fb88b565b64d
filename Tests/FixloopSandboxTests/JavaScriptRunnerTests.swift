import FixloopCore
import Foundation
import Testing

@testable import FixloopVerify

/// Reading `node --test` (TAP, spec and Fixloop's own reporter), Jest and Vitest, from recorded output.
@Suite struct JavaScriptRunnerTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/js-runners")

    func recording(_ name: String) throws -> String {
        try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func nodeTapIsReadPerTestWithItsSuites() throws {
        let results = try #require(NodeTestOutput.tap(try recording("node-tap.txt")))
        #expect(results.outcomes == [
            "adds two numbers": .passed, "divide > six by two": .failed, "divide > by one": .passed,
            "divide > by zero": .skipped,
        ])
    }

    @Test func nodeSpecIsReadPerTestAndTheFailureRecapIsNotATest() throws {
        let results = try #require(NodeTestOutput.spec(try recording("node-spec.txt")))
        #expect(results.outcomes == [
            "adds two numbers": .passed, "divide > six by two": .failed, "divide > by one": .passed,
            "divide > by zero": .skipped,
        ])
    }

    @Test func theOutputReaderFindsNodesPlainOutput() throws {
        let results = TestOutputReader.read(output: try recording("node-tap.txt"), commandSucceeded: false)
        #expect(results.sources == ["node-tap"])
        #expect(results.outcome(of: "divide > six by two") == .failed)
    }

    static let nodeReport = """
        {"file":"/workspace/test/calc.test.js","names":["adds two numbers"],"passed":true,"skip":false,"todo":false,"suite":false}
        {"file":"/workspace/test/calc.test.js","names":["divide","six by two"],"passed":false,"skip":false,"todo":false,"suite":false}
        {"file":"/workspace/test/calc.test.js","names":["divide","by one"],"passed":true,"skip":false,"todo":false,"suite":false}
        {"file":"/workspace/test/calc.test.js","names":["divide","by zero"],"passed":true,"skip":true,"todo":false,"suite":false}
        {"file":"/workspace/test/calc.test.js","names":["divide"],"passed":false,"skip":false,"todo":false,"suite":true}
        {"file":"/workspace/test/format.test.js","names":["adds two numbers"],"passed":true,"skip":false,"todo":false,"suite":false}
        """

    @Test func nodesReportKeepsTheFileSoSameNamedTestsStayApart() throws {
        let evidence = TestEvidence.read(
            output: try recording("node-tap.txt"), exitedZero: false, runner: .nodeTest, report: Self.nodeReport,
            workspacePath: "/workspace")
        #expect(evidence.inconsistency == nil)
        #expect(evidence.results.sources == ["node-test-report"])
        #expect(evidence.results.outcomes == [
            "test/calc.test.js::adds two numbers": .passed, "test/calc.test.js::divide > six by two": .failed,
            "test/calc.test.js::divide > by one": .passed, "test/calc.test.js::divide > by zero": .skipped,
            "test/format.test.js::adds two numbers": .passed,
        ])
    }

    @Test func aMissingNodeReportIsInconsistent() throws {
        let evidence = TestEvidence.read(
            output: try recording("node-tap.txt"), exitedZero: false, runner: .nodeTest, report: nil)
        #expect(evidence.inconsistency == "node's test report (--test-reporter) was not written")
    }

    @Test func aNodeReportThatDisagreesWithTheOutputIsInconsistent() throws {
        let spoofed = Self.nodeReport.replacingOccurrences(
            of: #""names":["divide","six by two"],"passed":false"#, with: #""names":["divide","six by two"],"passed":true"#)
        let evidence = TestEvidence.read(
            output: try recording("node-tap.txt"), exitedZero: false, runner: .nodeTest, report: spoofed)
        #expect(evidence.inconsistency == "the output says divide > six by two failed, the runner's report passed")
    }

    @Test(arguments: [
        ("node --test", StructuredReportRunner?.some(.nodeTest)),
        ("cd web && node --experimental-vm-modules --test test/", .nodeTest),
        ("/usr/bin/node --test", .nodeTest),
        ("node --test --test-reporter=spec", nil),
        ("node server.js", nil),
        ("npx jest --json", nil),
    ])
    func nodeTestIsAskedForItsReport(command: String, expected: StructuredReportRunner?) {
        #expect(StructuredReportRunner.detect(in: command) == expected)
    }

    @Test func theNodeReportIsAskedForBesideTheTAPAndKeepsTheOperatorsOptions() {
        let environment = StructuredReportRunner.nodeTest.environment(
            reportPath: "/fixloop-evidence/r.jsonl", existing: ["NODE_OPTIONS": "--max-old-space-size=512"])
        #expect(environment == ["NODE_OPTIONS": "--max-old-space-size=512 --test-reporter=tap "
            + "--test-reporter-destination=stdout --test-reporter=/fixloop-evidence/node-reporter.mjs "
            + "--test-reporter-destination=/fixloop-evidence/r.jsonl"])
    }

    static let jestExpected: [String: TestOutcome] = [
        "src/cart.test.ts::cart > total > sums line items": .passed,
        "src/cart.test.ts::cart > total > applies a discount code": .failed,
        "src/cart.test.ts::cart > pays for an empty cart": .skipped,
        "src/cart.test.ts::refunds": .skipped,
        "src/format.test.ts::format > prints cents": .passed,
        "src/format.test.ts::sums line items": .passed,
        "src/checkout.test.ts": .error,
    ]

    @Test func jestsJSONPrintedAmidOtherOutputIsReadPerTest() throws {
        let output = "Determining test suites to run...\n" + (try recording("jest.json")) + "\nDone in 2.1s.\n"
        let results = TestOutputReader.read(output: output, commandSucceeded: false, workspacePath: "/workspace")
        #expect(results.sources == ["jest-json"])
        #expect(results.outcomes == Self.jestExpected)
    }

    @Test func jestsJSONWrittenToAFileIsReadLikeJUnit() throws {
        let results = TestOutputReader.read(
            output: "", junitXML: [try recording("jest.json")], commandSucceeded: false, workspacePath: "/workspace")
        #expect(results.outcomes == Self.jestExpected)
    }

    static let vitestExpected: [String: TestOutcome] = [
        "web/checkout.test.ts::checkout > guard > accepts the charged amount": .failed,
        "web/checkout.test.ts::checkout > guard > refuses a negative total": .passed,
        "web/checkout.test.ts::checkout > retries a declined card": .skipped,
        "web/price.test.ts::formats a price": .passed,
    ]

    @Test func vitestsPrettyJSONIsReadPerTest() throws {
        let output = " RUN  v2.1.8 /workspace\n\n" + (try recording("vitest.json")) + "\n"
        let results = TestOutputReader.read(output: output, commandSucceeded: false, workspacePath: "/workspace")
        #expect(results.outcomes == Self.vitestExpected)
    }

    @Test func vitestsJUnitGivesTheSameIDsAsItsJSON() throws {
        let results = TestOutputReader.read(
            output: "", junitXML: [try recording("vitest-junit.xml")], commandSucceeded: false)
        #expect(results.outcomes == Self.vitestExpected)
    }
}
