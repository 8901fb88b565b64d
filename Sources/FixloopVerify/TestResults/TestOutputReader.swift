import FixloopCore

/// Turns what a test command left behind into per-test outcomes.
///
/// A report file wins when there is any (JUnit XML, or Jest's and Vitest's JSON); otherwise a Jest or Vitest JSON
/// report printed in the output, else every plain-output parser runs and their findings are merged;
/// when nothing is recognised, the whole command is one pseudo-test, ``wholeCommandID``, judged by its exit status.
public enum TestOutputReader {
    /// The pseudo-test id used when no per-test outcome could be read.
    public static let wholeCommandID = "(test command)"

    /// Reads the outcomes of one run.
    /// - Parameters:
    ///   - output: standard output and standard error of the test command.
    ///   - junitXML: the text of report files the command wrote, if any: JUnit XML, or a Jest or Vitest JSON report.
    ///   - commandSucceeded: whether the command exited 0 with no limit fired.
    ///   - workspacePath: where the workspace was for the runner; JSON reports' file paths are made relative to it.
    public static func read(
        output: String, junitXML: [String] = [], commandSucceeded: Bool, workspacePath: String? = nil
    ) -> TestResults {
        var merged = TestResults()
        for document in junitXML {
            let found = document.drop(while: \.isWhitespace).hasPrefix("{")
                ? JestJSONReport.parse(document, workspacePath: workspacePath) : JUnitXMLParser.parse(document)
            if let found { merge(found, into: &merged) }
        }
        if merged.outcomes.isEmpty, let found = JestJSONReport.parse(output, workspacePath: workspacePath) {
            merge(found, into: &merged)
        }
        if merged.outcomes.isEmpty {
            let parsers: [(String) -> TestResults?] = [
                PlainOutputParsers.pytest, PlainOutputParsers.xctest, PlainOutputParsers.swiftTesting,
                PlainOutputParsers.goTest, PlainOutputParsers.cargoTest, NodeTestOutput.tap, NodeTestOutput.spec,
            ]
            for parser in parsers {
                if let found = parser(output) { merge(found, into: &merged) }
            }
        }
        if merged.outcomes.isEmpty {
            return TestResults(outcomes: [wholeCommandID: commandSucceeded ? .passed : .failed], sources: ["exit-status"])
        }
        return merged
    }

    private static func merge(_ found: TestResults, into merged: inout TestResults) {
        for (id, outcome) in found.outcomes { merged.record(id, outcome) }
        for source in found.sources where !merged.sources.contains(source) { merged.sources.append(source) }
    }
}
