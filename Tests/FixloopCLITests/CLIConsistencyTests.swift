@testable import FixloopCLI
import FixloopCore
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// One CLI: one period parser, one `--limit`, noun groups that list by default, id prefixes, one help style.
struct CLIConsistencyTests {
    /// Runs a command line in-process, keeping what it prints on standard output apart from standard error.
    static func run(_ arguments: [String], home: URL) async -> (status: Int32, output: String, errors: String) {
        let output = Mutex(""), errors = Mutex("")
        let status = await Fixloop.run(
            arguments: arguments, environment: ["FIXLOOP_HOME": home.path, "HOME": home.path, "PATH": "/usr/bin:/bin"],
            output: { text in output.withLock { $0 += text } }, errors: { text in errors.withLock { $0 += text } })
        return (status, output.withLock { $0 }, errors.withLock { $0 })
    }

    /// A store with `count` scored sessions whose ids share the prefix `01972ae6-`, one an hour from 2026-11-30.
    static func storeSessions(_ count: Int, home: URL) async throws -> [String] {
        let database = try FixloopDatabase(url: home.appendingPathComponent("fixloop.sqlite"))
        let export = home.appendingPathComponent("export.jsonl")
        var lines: [String] = []
        var ids: [String] = []
        for index in 0..<count {
            let id = String(format: "01972ae6-%04d-7c1c-a02b-556982701e6e", index)
            ids.append(id)
            let time = String(format: "2026-11-30T%02d:00:00Z", index % 24)
            lines.append(#"{"event":"$pageview","distinct_id":"u\#(index)","timestamp":"\#(time)","properties":{"$session_id":"\#(id)","$current_url":"https://shop.example/cart"}}"#)
        }
        try lines.joined(separator: "\n").write(to: export, atomically: true, encoding: .utf8)
        _ = database
        let (status, _, errors) = await run(["score", "--import", export.path, "--model", "none"], home: home)
        #expect(status == 0, "\(errors)")
        return ids
    }

    @Test(arguments: ["sessions", "tickets", "jobs"])
    func aNounAloneRunsItsList(noun: String) async throws {
        try await withTemporaryDirectory { home in
            let (status, output, errors) = await Self.run([noun], home: home)
            #expect(status == 0, "\(errors)")
            #expect(!output.contains("USAGE") && !output.contains("SUBCOMMANDS"), "\(output)")
            #expect(output.hasPrefix("no "), "\(output)")
        }
    }

    @Test(arguments: ["spend", "plan", "sessions", "jobs list", "tickets list", "report", "score"])
    func aBadPeriodIsAUsageErrorNamingTheValueAndTheForms(command: String) async throws {
        try await withTemporaryDirectory { home in
            let (status, output, errors) = await Self.run(command.split(separator: " ").map(String.init) + ["--since", "last-week"], home: home)
            #expect(status == 2, "\(output)\(errors)")
            #expect(errors.contains("'last-week'") && errors.contains("2w") && errors.contains("ISO 8601"), "\(errors)")
        }
    }

    @Test func listsStopAtTwentyAndSayHowManyMoreOnStandardError() async throws {
        try await withTemporaryDirectory { home in
            _ = try await Self.storeSessions(23, home: home)
            let cut = await Self.run(["sessions", "list"], home: home)
            #expect(cut.status == 0, "\(cut.errors)")
            #expect(cut.output.split(separator: "\n").count == 20, "\(cut.output)")
            #expect(cut.errors.contains("… 3 more (use --limit 0 for all)"), "\(cut.errors)")
            // The note follows the list, where a reader looks for it.
            let merged = await runFixloop(["sessions"], environment: ["FIXLOOP_HOME": home.path, "HOME": home.path])
            #expect(merged.output.split(separator: "\n").last == "… 3 more (use --limit 0 for all)", "\(merged.output)")
            let all = await Self.run(["sessions", "--limit", "0"], home: home)
            #expect(all.output.split(separator: "\n").count == 23 && all.errors.isEmpty, "\(all.errors)")
            let five = await Self.run(["sessions", "--limit", "5", "--json"], home: home)
            #expect(try JSONSerialization.jsonObject(with: Data(five.output.utf8)) as? [Any] != nil && five.errors.contains("18 more"))
        }
    }

    @Test func sinceAndUntilTakeISOTimestampsOnSessionsList() async throws {
        try await withTemporaryDirectory { home in
            _ = try await Self.storeSessions(6, home: home)  // 00:00 … 05:00 UTC
            let (status, output, errors) = await Self.run(
                ["sessions", "--since", "2026-11-30T02:00:00Z", "--until", "2026-11-30T06:00:00+01:00"], home: home)
            #expect(status == 0, "\(errors)")
            // 02:00, 03:00 and 04:00 UTC; 05:00 UTC is 06:00+01:00, the (exclusive) end.
            #expect(output.split(separator: "\n").count == 3, "\(output)")
        }
    }

    @Test func aUniquePrefixOfASessionIDShowsTheSessionAndAnAmbiguousOneListsTheCandidates() async throws {
        try await withTemporaryDirectory { home in
            let ids = try await Self.storeSessions(3, home: home)
            // The review prints session ids cut to 13 characters.
            let short = String(ids[1].prefix(13))
            let shown = await Self.run(["sessions", "show", short], home: home)
            #expect(shown.status == 0, "\(shown.errors)")
            #expect(shown.output.contains(ids[1]), "\(shown.output)")
            let ambiguous = await Self.run(["sessions", "show", "01972ae6-000"], home: home)
            #expect(ambiguous.status == 2)
            #expect(ambiguous.errors.contains("cli.ambiguous_id") && ids.allSatisfy(ambiguous.errors.contains), "\(ambiguous.errors)")
            let none = await Self.run(["sessions", "show", "ffff"], home: home)
            #expect(none.status == 2 && none.errors.contains("cli.unknown_session"))
        }
    }

    @Test func aUniquePrefixOfARunIDShowsTheRun() async throws {
        try await withTemporaryDirectory { home in
            let store = SQLiteRunStore(database: try FixloopDatabase(url: home.appendingPathComponent("fixloop.sqlite")))
            for id in ["run-20261124-000000-abcd", "run-20261124-000000-abef", "run-20261125-000000-ffff"] {
                try FileManager.default.createDirectory(at: home.appendingPathComponent("runs/\(id)"), withIntermediateDirectories: true)
                _ = try store.start(RunRecord(id: id, ticket: "t-\(id).md", repository: "/r", host: ProcessInfo.processInfo.hostName, pid: 99_999_999))
            }
            let unique = await Self.run(["show", "run-20261125"], home: home)
            #expect(unique.status == 0 && unique.output.contains("run run-20261125-000000-ffff"), "\(unique.output)\(unique.errors)")
            let ambiguous = await Self.run(["show", "run-20261124-000000-ab"], home: home)
            #expect(ambiguous.status == 2 && ambiguous.errors.contains("run-20261124-000000-abcd, run-20261124-000000-abef"), "\(ambiguous.errors)")
        }
    }

    @Test func theRootHelpHasEnvironmentAndExamples() {
        let help = Fixloop.helpMessage(columns: 100)
        #expect(help.contains("ENVIRONMENT:") && help.contains("FIXLOOP_HOME") && help.contains("OPENAI_API_KEY"))
        #expect(help.contains("EXAMPLES:") && help.contains("fixloop demo"))
    }

    /// Every option names its value — a count reads `<n>`, a period `<period>`, and no option repeats its own
    /// multi-word name as its value name (`--max-turns <max-turns>`) — and defaults read "(default: …)" the one way.
    @Test(arguments: ["spend", "plan", "sessions list", "jobs list", "tickets list", "report", "score", "fix", "verify", "serve",
                      "demo", "localize", "bench workspace", "sandbox run", "models check"])
    func helpNamesValuesAndShowsDefaultsOneWay(command: String) throws {
        let help = try #require(Self.help(command))
        let counts: Set = ["limit", "runs", "candidates", "max-turns", "events", "files", "deliveries", "concurrency", "workers",
                           "ticket-sessions", "flag-sessions"]
        let options = help.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let match = line.firstMatch(of: /^\s+--([a-z-]+) <([^>]+)>/) else { return nil }
            return (String(match.1), String(match.2))
        }
        #expect(!options.isEmpty)
        for (option, value) in options {
            if counts.contains(option) { #expect(value == "n", "\(command): --\(option) <\(value)>") }
            if ["since", "until"].contains(option) { #expect(value == "period", "\(command): --\(option) <\(value)>") }
            if option.contains("-") { #expect(value != option, "\(command): --\(option) <\(value)>") }
        }
        #expect(!help.contains("Default:") && !help.contains("(default ") && !help.contains("(default)"), "\(help)")
    }

    static func help(_ command: String) -> String? {
        switch command {
        case "spend": Fixloop.helpMessage(for: SpendCommand.self, columns: 200)
        case "plan": Fixloop.helpMessage(for: PlanCommand.self, columns: 200)
        case "sessions list": Fixloop.helpMessage(for: SessionsListCommand.self, columns: 200)
        case "jobs list": Fixloop.helpMessage(for: JobsCommand.List.self, columns: 200)
        case "tickets list": Fixloop.helpMessage(for: TicketsCommand.List.self, columns: 200)
        case "report": Fixloop.helpMessage(for: ReportCommand.self, columns: 200)
        case "score": Fixloop.helpMessage(for: ScoreCommand.self, columns: 200)
        case "fix": Fixloop.helpMessage(for: FixCommand.self, columns: 200)
        case "verify": Fixloop.helpMessage(for: VerifyCommand.self, columns: 200)
        case "serve": Fixloop.helpMessage(for: ServeCommand.self, columns: 200)
        case "demo": Fixloop.helpMessage(for: DemoCommand.self, columns: 200)
        case "localize": Fixloop.helpMessage(for: LocalizeCommand.self, columns: 200)
        case "bench workspace": Fixloop.helpMessage(for: BenchWorkspaceCommand.self, columns: 200)
        case "sandbox run": Fixloop.helpMessage(for: SandboxRunCommand.self, columns: 200)
        case "models check": Fixloop.helpMessage(for: ModelsCheckCommand.self, columns: 200)
        default: nil
        }
    }
}
