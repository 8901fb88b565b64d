import FixloopCore
import Foundation

/// One test run's outcomes and whether the evidence for them holds together.
///
/// The runner's own structured report (written outside the workspace, to a path chosen per run) is the
/// authority when the runner makes one; the plain output and the exit status must agree with it. Evidence
/// that does not hold together — a report missing, an id listed twice, counts or outcomes that disagree,
/// results printed before the run started, failures with exit status 0 — is an ``inconsistency``.
public struct TestEvidence: Sendable, Equatable {
    /// The outcomes of the run.
    public var results: TestResults
    /// Why the evidence does not hold together (one clause), or nil when it does.
    public var inconsistency: String?

    /// Reads and cross-checks one run.
    /// - Parameters:
    ///   - output: standard output and standard error of the test command.
    ///   - exitedZero: whether the command exited 0 with no limit fired.
    ///   - runner: the runner asked for a structured report, or nil when none was.
    ///   - report: the text of that report, or nil when it was not written.
    ///   - junitXML: the text of report files the command wrote in the workspace (`--junit`), if any.
    ///   - workspacePath: where the workspace was for the runner (file paths in reports are made relative to it).
    public static func read(
        output: String, exitedZero: Bool, runner: StructuredReportRunner?, report: String?, junitXML: [String] = [],
        workspacePath: String? = nil
    ) -> TestEvidence {
        var problems: [String] = []
        let session = PytestSession(output: output)
        if session.resultsBeforeStart { problems.append("test results were printed before pytest's session header") }
        var results = TestOutputReader.read(
            output: output, junitXML: junitXML, commandSucceeded: exitedZero, workspacePath: workspacePath)
        if runner == .nodeTest, junitXML.isEmpty {
            let plain = NodeTestOutput.tap(output) ?? NodeTestOutput.spec(output)
            if let parsed = report.flatMap({ NodeTestReport.parse($0, workspacePath: workspacePath) }) {
                results = parsed.results
                problems += NodeTestReport.crossCheck(parsed, plain: plain)
            } else if plain != nil {
                problems.append("node's test report (--test-reporter) was not written")
            }
        }
        if runner == .pytest {
            let plain = PlainOutputParsers.pytest(output)
            let parsed = report.flatMap(JUnitXMLParser.report)
            if let parsed {
                results = parsed.results
                results.sources = [StructuredReportRunner.pytest.source]
                problems += crossCheck(parsed, plain: plain, session: session)
            } else if report == nil, session.started || plain != nil || session.counts != nil || exitedZero {
                problems.append("pytest's report (--junitxml) was not written")
            } else if report != nil, plain != nil || !(session.counts ?? [:]).filter({ $0.value > 0 }).isEmpty {
                problems.append("pytest's report (--junitxml) lists no test but its output reports results")
            }
        }
        let failing = results.outcomes.values.filter { $0 == .failed || $0 == .error }.count
        if exitedZero, failing > 0, results.sources != ["exit-status"] {
            problems.append("\(failing) test(s) did not pass but the test command exited 0")
        }
        return TestEvidence(results: results, inconsistency: problems.first)
    }

    /// The report against the plain output: duplicates, the summary counts, and each printed result.
    static func crossCheck(_ parsed: JUnitXMLParser.Report, plain: TestResults?, session: PytestSession) -> [String] {
        var problems: [String] = []
        if let duplicate = parsed.duplicates.first { problems.append("the runner's report lists \(duplicate) more than once") }
        let count = { (outcome: TestOutcome) in parsed.results.outcomes.values.filter { $0 == outcome }.count }
        if let counts = session.counts {
            let (failed, passed) = (counts["failed"] ?? 0, (counts["passed"] ?? 0) + (counts["xpassed"] ?? 0))
            if failed != count(.failed) || passed < count(.passed) || passed > count(.passed) + count(.error) {
                problems.append("the summary line says \(passed) passed and \(failed) failed, the runner's report "
                    + "\(count(.passed)) and \(count(.failed))")
            }
        }
        for (id, printed) in (plain?.outcomes ?? [:]).sorted(by: { $0.key < $1.key }) {
            let reported = parsed.results.outcome(of: id)
            if reported == .missing {
                problems.append("the output reports \(id), which the runner's report does not list")
            } else if (printed == .passed) != (reported == .passed) && !(printed == .passed && reported == .skipped) {
                problems.append("the output says \(id) \(printed.rawValue), the runner's report \(reported.rawValue)")
            }
        }
        return problems
    }
}

/// A test runner that can write a structured report to a path Fixloop chooses; other runners fall back to
/// their plain output.
public enum StructuredReportRunner: String, Sendable, Equatable {
    /// pytest: JUnit XML (`--junitxml=PATH -o junit_family=xunit1`), asked for through `PYTEST_ADDOPTS`.
    case pytest
    /// `node --test`: Fixloop's reporter module (``NodeTestReport``) beside node's TAP on standard output, asked
    /// for through `NODE_OPTIONS`; not when the command picks its own `--test-reporter` (node wants as many
    /// destinations as reporters).
    case nodeTest = "node-test"

    /// The runner `command` uses, when Fixloop can ask it for a report.
    public static func detect(in command: String) -> StructuredReportRunner? {
        if command.range(of: #"(^|[^A-Za-z0-9_-])(py\.test|pytest)($|[^A-Za-z0-9_-])"#, options: .regularExpression) != nil {
            return .pytest
        }
        if command.range(of: #"(^|[\s/;&|(])node(\s+-[^\s;&|]+)*\s+--test($|[\s=])"#, options: .regularExpression) != nil,
           !command.contains("--test-reporter") {
            return .nodeTest
        }
        return nil
    }

    /// The report's file name extension.
    var fileExtension: String { self == .pytest ? "xml" : "jsonl" }

    /// The environment that asks the runner for its report at `path` (a path inside the sandbox, in the folder
    /// that also holds the files of ``supportFiles``); `existing` is the policy's environment, kept.
    public func environment(reportPath path: String, existing: [String: String] = [:]) -> [String: String] {
        switch self {
        case .pytest: return ["PYTEST_ADDOPTS": "--junitxml=\(path) -o junit_family=xunit1"]
        case .nodeTest:
            let folder = (path as NSString).deletingLastPathComponent
            let options = "--test-reporter=tap --test-reporter-destination=stdout "
                + "--test-reporter=\(folder)/\(NodeTestReport.reporterName) --test-reporter-destination=\(path)"
            return ["NODE_OPTIONS": [existing["NODE_OPTIONS"], options].compactMap { $0 }.joined(separator: " ")]
        }
    }

    /// Files the runner needs in the evidence folder: name → contents.
    var supportFiles: [String: String] {
        self == .nodeTest ? [NodeTestReport.reporterName: NodeTestReport.reporterSource] : [:]
    }

    /// The source name shown in reports.
    var source: String { self == .pytest ? "pytest-junit" : "node-test-report" }
}
