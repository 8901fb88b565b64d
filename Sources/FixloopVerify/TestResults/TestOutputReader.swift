import FixloopCore

/// Turns what a test command left behind into per-test outcomes.
///
/// JUnit XML wins when there is any; otherwise every plain-output parser runs and their findings are merged;
/// when nothing is recognised, the whole command is one pseudo-test, ``wholeCommandID``, judged by its exit status.
public enum TestOutputReader {
    /// The pseudo-test id used when no per-test outcome could be read.
    public static let wholeCommandID = "(test command)"

    /// Reads the outcomes of one run.
    /// - Parameters:
    ///   - output: standard output and standard error of the test command.
    ///   - junitXML: the text of JUnit XML files the command wrote, if any.
    ///   - commandSucceeded: whether the command exited 0 with no limit fired.
    public static func read(output: String, junitXML: [String] = [], commandSucceeded: Bool) -> TestResults {
        var merged = TestResults()
        for document in junitXML {
            if let found = JUnitXMLParser.parse(document) { merge(found, into: &merged) }
        }
        if merged.outcomes.isEmpty {
            let parsers: [(String) -> TestResults?] = [
                PlainOutputParsers.pytest, PlainOutputParsers.xctest, PlainOutputParsers.swiftTesting,
                PlainOutputParsers.goTest, PlainOutputParsers.cargoTest,
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
