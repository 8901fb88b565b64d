import FixloopConfig
import FixloopCore
import Foundation
import Testing

struct ConfigurationTests {
    @Test func readsTheGitTable() throws {
        let configuration = try FixloopConfiguration(toml: """
            [git]
            author_name = "Bot"
            workspace_pool_size = 4
            enterprise_hosts = ["GHE.example.com"]
            """, file: "fixloop.toml")
        #expect(configuration.git.authorName == "Bot")
        #expect(configuration.git.workspacePoolSize == 4)
        #expect(configuration.git.enterpriseHosts == ["ghe.example.com"])
        #expect(configuration.git.authorEmail == GitSettings().authorEmail)
    }

    @Test(arguments: [
        ("colour = 1", "colour"),
        ("[git]\nauthor_nmae = \"x\"", "git.author_nmae"),
        ("[gti]\nx = 1", "gti"),
    ])
    func refusesUnknownKeysNamingKeyAndFile(text: String, key: String) {
        #expect {
            try FixloopConfiguration(toml: text, file: "/etc/fixloop.toml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.kind == .unknownKey && error.key == key && error.message.contains("/etc/fixloop.toml")
        }
    }

    @Test func readsTheScorerTableWithDefaults() throws {
        #expect(FixloopConfiguration().scorer == ScorerSettings())
        #expect(ScorerSettings().grading == .rubricOnly)
        let configuration = try FixloopConfiguration(toml: """
            [scorer]
            product_context = "docs/product.md"
            idle_gap_minutes = 45
            grading = "unsure"
            concurrency = 16
            mode = "batch"
            batch_poll_seconds = 0.5
            """, file: "fixloop.toml")
        #expect(configuration.scorer.concurrency == 16 && ScorerSettings().concurrency == 8)
        #expect(configuration.scorer.mode == .batch && ScorerSettings().mode == .direct)
        #expect(configuration.scorer.batchPollSeconds == 0.5 && ScorerSettings().batchPollSeconds == 60)
        #expect(configuration.scorer.productContext == "docs/product.md")
        #expect(configuration.scorer.idleGapMinutes == 45)
        #expect(configuration.scorer.grading == .modelWhenUnsure)
        #expect(configuration.scorer.reportedProblems == 5)
    }

    @Test(arguments: ["grading = \"sometimes\"", "idle_gap_minutes = 0", "idle_gap = 30", "concurrency = 0", "concurrency = 65",
                            "mode = \"later\"", "batch_poll_seconds = 0", "batch_poll_seconds = 4000"])
    func refusesBadScorerValues(line: String) {
        #expect(throws: ConfigurationError.self) {
            try FixloopConfiguration(toml: "[scorer]\n\(line)", file: "f")
        }
    }

    @Test func readsThePlannerThresholdsWithDefaults() throws {
        #expect(PlannerSettings().ticketSessions == 40 && PlannerSettings().flagSessions == 2)
        let configuration = try FixloopConfiguration(toml: """
            [planner]
            ticket_sessions = 25
            ticket_share = 0.5
            flag_sessions = 3
            """, file: "fixloop.toml")
        #expect(configuration.planner.ticketSessions == 25)
        #expect(configuration.planner.ticketShare == 0.5)
        #expect(configuration.planner.flagSessions == 3)
        #expect(configuration.planner.ticketShareMinimumSessions == 10)
    }

    @Test(arguments: ["ticket_share = 1.5", "flag_sessions = 0", "ticket_threshold = 40"])
    func refusesBadPlannerValues(line: String) {
        #expect(throws: ConfigurationError.self) {
            try FixloopConfiguration(toml: "[planner]\n\(line)", file: "f")
        }
    }

    @Test func refusesWrongTypesAndRanges() {
        #expect(throws: ConfigurationError.self) {
            try FixloopConfiguration(toml: "[git]\nworkspace_pool_size = \"two\"", file: "f")
        }
        #expect(throws: ConfigurationError.self) {
            try FixloopConfiguration(toml: "[git]\nworkspace_pool_size = 1000", file: "f")
        }
    }

    @Test func reportsTheLineOfMalformedTOML() {
        #expect {
            try FixloopConfiguration(toml: "[git]\nauthor_name = \"unterminated\n", file: "f")
        } throws: { error in
            (error as? ConfigurationError)?.kind == .malformed && ((error as? ConfigurationError)?.detail.contains("line 2") ?? false)
        }
    }

    @Test func findsTheFileByFlagThenEnvironmentThenCurrentDirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "[git]\nauthor_name = \"cwd\"".write(to: directory.appendingPathComponent("fixloop.toml"), atomically: true, encoding: .utf8)
        try "[git]\nauthor_name = \"env\"".write(to: directory.appendingPathComponent("env.toml"), atomically: true, encoding: .utf8)
        try "[git]\nauthor_name = \"flag\"".write(to: directory.appendingPathComponent("flag.toml"), atomically: true, encoding: .utf8)
        let env = ["FIXLOOP_CONFIG": directory.appendingPathComponent("env.toml").path]
        #expect(try FixloopConfiguration.load(explicitPath: "flag.toml", environment: env, currentDirectory: directory.path).git.authorName == "flag")
        #expect(try FixloopConfiguration.load(explicitPath: nil, environment: env, currentDirectory: directory.path).git.authorName == "env")
        #expect(try FixloopConfiguration.load(explicitPath: nil, environment: [:], currentDirectory: directory.path).git.authorName == "cwd")
        #expect(throws: ConfigurationError.self) {
            try FixloopConfiguration.load(explicitPath: "missing.toml", environment: [:], currentDirectory: directory.path)
        }
    }

    @Test func stateDirectoryComesFromFixloopHomeThenHome() {
        #expect(StateDirectory(environment: ["FIXLOOP_HOME": "/srv/fl"]).root.path == "/srv/fl")
        #expect(StateDirectory(environment: ["HOME": "/home/u"]).root.path == "/home/u/.fixloop")
    }
}
