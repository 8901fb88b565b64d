import FixloopCore
import Testing

@testable import FixloopVerify

/// The cross-checks between pytest's report, its plain output and the exit status.
@Suite struct TestEvidenceTests {
    static let header = "============================= test session starts ==============================\ncollected 2 items\n"

    static func report(_ cases: [(String, String)]) -> String {
        let body = cases.map { name, inner in
            #"<testcase classname="tests.test_x" name="\#(name)" file="tests/test_x.py">\#(inner)</testcase>"#
        }
        return "<testsuites><testsuite>" + body.joined() + "</testsuite></testsuites>"
    }

    static let honest = header + """
        PASSED tests/test_x.py::test_a
        FAILED tests/test_x.py::test_b - assert 1 == 2
        ========================= 1 failed, 1 passed in 0.05s ==========================
        """

    func read(_ output: String, exitedZero: Bool = false, report: String?) -> TestEvidence {
        TestEvidence.read(output: output, exitedZero: exitedZero, runner: .pytest, report: report)
    }

    @Test func honestEvidenceHoldsTogetherAndUsesPytestsIDs() {
        let evidence = read(Self.honest, report: Self.report([("test_a", ""), ("test_b", "<failure/>")]))
        #expect(evidence.inconsistency == nil)
        #expect(evidence.results.outcomes == ["tests/test_x.py::test_a": .passed, "tests/test_x.py::test_b": .failed])
        #expect(evidence.results.sources == ["pytest-junit"])
    }

    @Test func aMissingReportIsInconsistent() {
        let spoof = Self.header + "PASSED tests/test_x.py::test_a\nPASSED tests/test_x.py::test_b\n"
        #expect(read(spoof, exitedZero: true, report: nil).inconsistency == "pytest's report (--junitxml) was not written")
    }

    @Test func duplicateIDsAreInconsistent() {
        let report = Self.report([("test_a", ""), ("test_b", "<failure/>"), ("test_b", "")])
        #expect(read(Self.honest, report: report).inconsistency?.contains("tests/test_x.py::test_b more than once") == true)
    }

    @Test func countsThatDisagreeWithTheSummaryAreInconsistent() {
        let output = Self.honest.replacingOccurrences(of: "1 failed, 1 passed", with: "2 passed")
        let evidence = read(output, report: Self.report([("test_a", ""), ("test_b", "<failure/>")]))
        #expect(evidence.inconsistency?.hasPrefix("the summary line says 2 passed and 0 failed") == true)
    }

    @Test func failuresWithExitStatusZeroAreInconsistent() {
        let evidence = read(Self.honest, exitedZero: true, report: Self.report([("test_a", ""), ("test_b", "<failure/>")]))
        #expect(evidence.inconsistency == "1 test(s) did not pass but the test command exited 0")
    }

    @Test func resultsPrintedBeforeTheSessionStartedAreInconsistent() {
        let output = "PASSED tests/test_x.py::test_b\n" + Self.honest
        let evidence = read(output, report: Self.report([("test_a", ""), ("test_b", "<failure/>")]))
        #expect(evidence.inconsistency == "test results were printed before pytest's session header")
    }

    @Test func aPrintedResultTheReportDoesNotListIsInconsistent() {
        let output = Self.honest + "\nPASSED tests/test_x.py::test_c\n"
        let evidence = read(output, report: Self.report([("test_a", ""), ("test_b", "<failure/>")]))
        #expect(evidence.inconsistency == "the output reports tests/test_x.py::test_c, which the runner's report does not list")
    }

    @Test func findsPytestInTestCommands() {
        #expect(StructuredReportRunner.detect(in: "python3 -m pytest -rA tests") == .pytest)
        #expect(StructuredReportRunner.detect(in: "cd src && py.test") == .pytest)
        #expect(StructuredReportRunner.detect(in: "go test ./...") == nil)
        #expect(StructuredReportRunner.detect(in: "./run-pytest-like.sh") == nil)
    }
}
