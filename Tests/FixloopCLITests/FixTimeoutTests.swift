@testable import FixloopCLI
import Testing

struct FixTimeoutTests {
    @Test(arguments: [("90s", Int64(90)), ("20m", 1200), ("1h", 3600), ("45", 45)])
    func theTimeoutIsSecondsMinutesHoursOrPlainSeconds(text: String, seconds: Int64) throws {
        #expect(FixCommand.duration(text) == .seconds(seconds))
        let command = try FixCommand.parse(["--ticket", "local:1", "--timeout", text])
        #expect(FixCommand.duration(command.timeout) == .seconds(seconds))
    }

    @Test(arguments: ["0", "0m", "7d", "2w", "-5m", "1.5h", "soon", "99999999999999999h"])
    func anyOtherTimeoutIsRefusedBeforeTheRun(text: String) {
        #expect(FixCommand.duration(text) == nil)
        #expect(throws: (any Error).self) { try FixCommand.parse(["--ticket", "local:1", "--timeout", text]) }
    }
}
