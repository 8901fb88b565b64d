@testable import FixloopCLI
import FixloopCore
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// Every `--json` command writes JSON one way: `snake_case` keys, ISO 8601 UTC dates, slashes unescaped.
@Suite(.serialized) struct JSONOutputTests {
    /// Runs the offline demo once (it fills a state folder with sessions, tickets, a run and a ledger), then every
    /// command that reports on that state with `--json`, and walks each document.
    @Test func everyJSONCommandWritesSnakeCaseKeysAndISODates() async throws {
        try await withTemporaryDirectory("fixloop-json") { root in
            let work = root.appendingPathComponent("work")
            let state = work.appendingPathComponent("state")
            let demo = await CLIConsistencyTests.run(["demo", "--json", "--work", work.path, "--examples", DemoTests.examples.path], home: root)
            #expect(demo.status == 0, "\(demo.errors)")
            #expect(demo.errors.contains("[1/7] set-up"), "the narration goes to standard error")
            let demoDocument = try JSONSerialization.jsonObject(with: Data(demo.output.utf8)) as? [String: Any]
            #expect((demoDocument?["outcome"] as? [String: Any])?["verdict"] as? String == "healed", "the fix's outcome, as outcomes --json prints it")
            let session = try #require(try await Self.firstSessionID(state: state))
            let jobs = SQLiteJobStore(database: try FixloopDatabase(url: state.appendingPathComponent("fixloop.sqlite")))
            let job = try await jobs.enqueue(JobRequest(ticket: "gh:acme/shop#7", repository: "acme/shop", trigger: "labelled"), now: Date()).job.id
            var commands: [[String]] = [
                ["sessions", "list", "--limit", "3"], ["sessions", "show", String(session.prefix(13))], ["tickets", "list"],
                ["tickets", "show", "local:1"], ["tickets", "show", "local:"],  // a unique prefix of the reference it was filed as
                ["jobs", "list"], ["jobs", "show", String(job)], ["jobs", "cancel", String(job)], ["spend", "--since", "all"], ["spend", "--by", "model", "--since", "all"],
                ["show", "latest"], ["report"], ["plan", "--since", "2025-06-02", "--until", "2025-06-09", "--dry-run"],
                ["score", "--model", "none", "--limit", "2"], ["models", "prices"],
                ["localize", "--ticket", "local:1", "--repo", work.appendingPathComponent("remote/shop.git").path, "--limit", "3"],
            ]
            commands = commands.map { $0 + ["--json"] } + [["sandbox", "run", "--sandbox", "none", "--json", "--", "/bin/true"]]
            var documents = [("demo --json", demo.output)]
            for command in commands {
                let result = await CLIConsistencyTests.run(command, home: state)
                #expect(result.status == 0, "\(command.joined(separator: " ")): \(result.errors)")
                documents.append((command.joined(separator: " "), result.output))
            }
            for (command, text) in documents {
                #expect(!text.contains("\\/"), "\(command) escapes slashes")
                guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
                    Issue.record("\(command) printed no JSON: \(text.prefix(300))")
                    continue
                }
                for problem in JSONWalk.problems(in: object) { Issue.record("\(command): \(problem)") }
            }
        }
    }

    @Test func theWalkFindsCamelCaseKeysAndNonISODates() {
        let bad: [String: Any] = ["runId": "x", "nested": [["started_at": 786_000_000.5]], "created_at": "yesterday"]
        let problems = JSONWalk.problems(in: bad)
        #expect(problems.count == 3, "\(problems)")
        let good: [String: Any] = ["run_id": "x", "started_at": "2026-11-30T08:00:00Z", "day": "2026-11-30", "tests": ["testCartTotal": "passed"]]
        #expect(JSONWalk.problems(in: good).isEmpty)
    }

    static func firstSessionID(state: URL) async throws -> String? {
        try await SQLiteScoreStore(database: try FixloopDatabase(url: state.appendingPathComponent("fixloop.sqlite"))).scores(limit: 1).first?.sessionID
    }
}

/// Walks a JSON document for keys that are not `snake_case` and dates that are not ISO 8601.
enum JSONWalk {
    /// Keys whose values are maps keyed by data (test ids, file paths), not by field names.
    static let dataMaps: Set<String> = ["tests", "fail_to_pass", "pass_to_pass", "before", "after", "flaky", "by_test", "env", "counts"]

    static func problems(in value: Any, path: String = "$") -> [String] {
        var found: [String] = []
        if let object = value as? [String: Any] {
            for (key, child) in object {
                let here = "\(path).\(key)"
                if key.range(of: "[a-z0-9][A-Z]", options: .regularExpression) != nil { found.append("camelCase key \(here)") }
                if isDateKey(key), let problem = dateProblem(child) { found.append("\(here) \(problem)") }
                if !dataMaps.contains(key) { found += problems(in: child, path: here) }
            }
        } else if let array = value as? [Any] {
            for (index, child) in array.enumerated() { found += problems(in: child, path: "\(path)[\(index)]") }
        }
        return found
    }

    static func isDateKey(_ key: String) -> Bool {
        ["_at", "_seen", "_time", "_start", "_end", "_date", "_until", "_since"].contains { key.hasSuffix($0) }
            || ["time", "start", "end", "since", "until", "date"].contains(key)
    }

    static func dateProblem(_ value: Any) -> String? {
        if value is NSNull { return nil }
        guard let text = value as? String else { return "is a date written as \(value), not an ISO 8601 string" }
        let full = ISO8601DateFormatter()
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if full.date(from: text) != nil || fractional.date(from: text) != nil { return text.hasSuffix("Z") ? nil : "\(text) is not UTC" }
        return day.date(from: text) != nil ? nil : "\(text) is not an ISO 8601 date"
    }
}
