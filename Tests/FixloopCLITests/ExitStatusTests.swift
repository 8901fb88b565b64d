@testable import FixloopCLI
import FixloopTesting
import Foundation
import Testing

/// Exit codes as the README documents them, and one clear sentence for a bad state directory or store
/// (issue 14, item 19; issue 15, item 7).
struct ExitStatusTests {
    @Test(arguments: [["fix"], ["verify", "--runs", "0", "--workspace", "/x", "--patch", "-", "--test", "true"], ["no-such-command"]])
    func usageErrorsExitTwo(arguments: [String]) async {
        let run = await runFixloop(arguments, environment: ["PATH": "/usr/bin:/bin"])
        #expect(run.status == 2, "\(run.output)")
        #expect(run.output.contains("Usage") || run.output.contains("Error"), "\(run.output)")
    }

    @Test func helpAndVersionStillExitZero() async {
        #expect(await runFixloop(["--help"], environment: [:]).status == 0)
        #expect(await runFixloop(["--version"], environment: [:]).status == 0)
    }

    @Test func aStateDirectoryThatIsAFileIsNamedAsSuch() async throws {
        try await withTemporaryDirectory("fixloop-state-file") { root in
            let file = root.appendingPathComponent("hostname")
            try "box\n".write(to: file, atomically: true, encoding: .utf8)
            for command in [["spend"], ["jobs", "list"]] {
                let run = await runFixloop(command, environment: ["FIXLOOP_HOME": file.path])
                #expect(run.status == 2, "\(command): \(run.output)")
                #expect(run.output.contains("\(file.path) is a file, not a folder"), "\(command): \(run.output)")
                #expect(!run.output.contains("writable and not full"), "\(run.output)")
            }
        }
    }

    @Test func fixUnderAStateDirectoryBelowAFileExitsTwoWithOneSentence() async throws {
        try await withTemporaryDirectory("fixloop-state-below-file") { root in
            let file = root.appendingPathComponent("hostname")
            try "box\n".write(to: file, atomically: true, encoding: .utf8)
            let ticket = root.appendingPathComponent("ticket.md")
            try "# Broken\n\nIt breaks.\n".write(to: ticket, atomically: true, encoding: .utf8)
            let run = await runFixloop(
                ["fix", "--ticket", ticket.path, "--repo", root.path, "--model", "openai:test-model"],
                environment: ["FIXLOOP_HOME": file.appendingPathComponent("state").path, "OPENAI_API_KEY": "sk-test", "PATH": "/usr/bin:/bin"])
            #expect(run.status == 2, "\(run.output)")
            #expect(run.output.contains("\(file.path) is a file, not a folder"), "\(run.output)")
            #expect(!run.output.contains("NSCocoaErrorDomain"), "\(run.output)")
            #expect(run.output.split(separator: "\n").count == 1, "one sentence: \(run.output)")
        }
    }

    @Test func aStoreThatIsNotASQLiteDatabaseIsNamed() async throws {
        try await withTemporaryDirectory("fixloop-not-a-db") { root in
            let database = root.appendingPathComponent("fixloop.sqlite")
            try Data(repeating: 0x41, count: 8192).write(to: database)
            let run = await runFixloop(["spend"], environment: ["FIXLOOP_HOME": root.path])
            #expect(run.status == 2, "\(run.output)")
            #expect(run.output.contains("The store file \(database.path) is not a SQLite database"), "\(run.output)")
            #expect(run.output.contains("[store.not_a_database]"), "\(run.output)")
        }
    }
}
