@testable import FixloopCLI
import FixloopCore
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

struct ShowAndLocalizeTests {
    func run(_ arguments: [String], home: URL) async -> (Int32, String) {
        await runFixloop(arguments, environment: ["FIXLOOP_HOME": home.path, "HOME": home.path])
    }

    @Test func aRunWhoseProcessDiedShowsAsInterrupted() async throws {
        try await withTemporaryDirectory { home in
            let directory = home.appendingPathComponent("runs/run-20261124-000000-abcd")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let store = SQLiteRunStore(database: try FixloopDatabase(url: home.appendingPathComponent("fixloop.sqlite")))
            // A pid far above pid_max is never alive.
            #expect(try store.start(RunRecord(id: "run-20261124-000000-abcd", ticket: "t.md", repository: "/r",
                                              host: ProcessInfo.processInfo.hostName, pid: 99_999_999)) == nil)
            try #"{"time":"2026-11-24T10:00:00Z","step":"baseline","kind":"tests","detail":"2 passed, 1 failed"}"#
                .write(to: directory.appendingPathComponent("trajectory.jsonl"), atomically: true, encoding: .utf8)
            let (status, text) = await run(["show", "latest"], home: home)
            #expect(status == 0)
            #expect(text.contains("run-20261124-000000-abcd: interrupted — its process ended without finishing"))
            #expect(text.contains("baseline · tests") && text.contains("2 passed, 1 failed"))
            let (missing, message) = await run(["show", "run-nope"], home: home)
            #expect(missing == 2 && message.contains("show.no_such_run"))
        }
    }

    @Test func localizeRanksTheFileATracebackNames() async throws {
        try await withTemporaryDirectory { root in
            let source = root.appendingPathComponent("source")
            try await GitFixture.makeRepository(at: source, files: [
                "shop/cart.py": "def total(prices):\n    return -sum(prices)\n", "shop/users.py": "def find(user_id):\n    return None\n",
            ])
            let ticket = root.appendingPathComponent("t.md")
            try "# Negative total\n\n```\nFile \"/srv/shop/cart.py\", line 2, in total\n```\n".write(to: ticket, atomically: true, encoding: .utf8)
            let (status, text) = await run(["localize", "--ticket", ticket.path, "--repo", source.path, "--json"], home: root.appendingPathComponent("home"))
            #expect(status == 0, "\(text)")
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let first = (object?["candidates"] as? [[String: Any]])?.first
            #expect(first?["path"] as? String == "shop/cart.py")
            #expect(first?["lines"] as? [Int] == [2])
        }
    }
}
