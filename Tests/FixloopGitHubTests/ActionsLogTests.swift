import FixloopGitHub
import Testing

struct ActionsLogTests {
    @Test func keepsTheLastTwoHundredLines() {
        let text = (1...500).map { "2024-05-01T10:00:00.0000000Z line \($0)" }.joined(separator: "\n")
        let log = ActionsLog(text)
        #expect(log.truncated)
        #expect(log.tail.split(separator: "\n").count == 200)
        #expect(log.tail.hasPrefix("line 301\n") && log.tail.hasSuffix("line 500"))
    }

    @Test func keepsAtMostSixteenKibibytes() {
        let text = (1...150).map { "\($0) " + String(repeating: "x", count: 300) }.joined(separator: "\n")
        let log = ActionsLog(text)
        #expect(log.truncated && log.tail.utf8.count <= 16 * 1024)
        #expect(log.tail.hasSuffix(String(repeating: "x", count: 300)) && log.tail.split(separator: "\n").last?.hasPrefix("150 ") == true)
    }

    @Test func stripsColourCodesTimestampsAndGroupMarkers() {
        let log = ActionsLog("2024-05-01T10:00:00.1Z ##[group]Run npm test\n\u{1B}[1m\u{1B}[31m✕ adds\u{1B}[39m\u{1B}[22m\n##[endgroup]\n##[error]Process completed with exit code 2.")
        #expect(log.tail == "Run npm test\n✕ adds\nError: Process completed with exit code 2.")
        #expect(!log.truncated)
        #expect(log.failingCommands == ["npm test"])
    }

    @Test func findsATracedTestCommandWithoutAStepHeader() {
        let log = ActionsLog("+ make lint\nok\n+ go test ./...\n--- FAIL: TestAdd\n##[error]Process completed with exit code 1.")
        #expect(log.failingCommands == ["go test ./..."])
    }

    @Test func aStepThatSucceededNamesNoCommand() {
        let log = ActionsLog("##[group]Run pytest\n##[endgroup]\n3 passed")
        #expect(log.failingCommands.isEmpty)
    }
}
