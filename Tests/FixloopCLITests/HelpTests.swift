@testable import FixloopCLI
import FixloopCore
import Foundation
import Testing

struct HelpTests {
    /// `fixloop --help` is a contract with users and scripts: it changes only on purpose.
    /// Regenerate with `FIXLOOP_UPDATE_GOLDEN=1 swift test --filter HelpTests`.
    @Test func topLevelHelpMatchesTheGoldenFile() throws {
        let help = Fixloop.helpMessage(columns: 100)
        let golden = Bundle.module.url(forResource: "Golden/fixloop-help", withExtension: "txt")!
        if ProcessInfo.processInfo.environment["FIXLOOP_UPDATE_GOLDEN"] != nil {
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/fixloop-help.txt")
            try help.write(to: source, atomically: true, encoding: .utf8)
        }
        #expect(help == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test(arguments: ["fix", "verify", "score", "plan", "serve", "demo", "report", "show", "sandbox", "bench"])
    func helpListsEveryCommandTheDesignNames(command: String) {
        let help = Fixloop.helpMessage(columns: 100)
        #expect(help.contains("\n  \(command) "))
    }

    @Test func versionAndHelpExitWithZero() async {
        #expect(await Fixloop.run(arguments: ["--version"]) == 0)
        #expect(await Fixloop.run(arguments: ["bench", "--help"]) == 0)
    }

    @Test func anUnknownOptionIsAUsageError() async {
        #expect(await Fixloop.run(arguments: ["bench", "workspace", "--colour"]) != 0)
    }
}
