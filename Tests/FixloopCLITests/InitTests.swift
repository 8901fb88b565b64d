@testable import FixloopCLI
import FixloopConfig
import FixloopEngineer
@testable import FixloopFixService
import FixloopPrompts
import Foundation
import Testing

/// `fixloop init`: the written files read back with the real readers, every key they name is real and documented,
/// `examples/fixloop.toml` is init's output, and `prompts_dir` reaches the templates commands render.
struct InitTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    /// The template with every commented example (`# key = value`, `# [table]`) turned on.
    static func uncommented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let body = line.dropFirst(2)
            let isExample = line.hasPrefix("# [") || (line.hasPrefix("# ") && body.range(of: #"^[a-z_]+ = "#, options: .regularExpression) != nil)
            return isExample ? String(body) : String(line)
        }.joined(separator: "\n")
    }

    static func keys(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").compactMap { line in
            line.range(of: #"^[a-z_]+(?= = )"#, options: .regularExpression).map { String(line[$0]) }
        })
    }

    @Test func theWrittenFileReadsBackAsTheDefaultsAndItsExamplesAreRealKeys() async throws {
        try await DoctorTests.withFolder { folder in
            let text = ConfigTemplate.render()
            var parsed = try FixloopConfiguration(toml: text, file: "fixloop.toml")
            parsed.sourceFile = nil
            var expected = FixloopConfiguration()
            expected.budgets = .recommended
            #expect(parsed == expected)
            // The commented examples too: prompts_dir must name a folder next to the file.
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("prompts"), withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("fixloop.toml").path
            let examples = try FixloopConfiguration(toml: Self.uncommented(text), file: file)
            #expect(examples.budgets.perRunUSD != nil && examples.serve.model == "openai:gpt-4.1")
            #expect(examples.rateLimits.entries["openai"]?.requestsPerMinute == 500)
            #expect(examples.prices.entries["openai:llama3.1"]?.free == true)
            #expect(examples.promptsDirectory == folder.appendingPathComponent("prompts").path)
        }
    }

    @Test func everyKeyInitWritesIsInTheConfigurationDocs() throws {
        let docs = try String(contentsOf: Self.root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let keys = Self.keys(Self.uncommented(ConfigTemplate.render()))
        #expect(keys.count > 50)
        let missing = keys.filter { !docs.contains("`\($0)`") }.sorted()
        #expect(missing.isEmpty, "not in docs/configuration.md: \(missing)")
        for table in ["models", "budgets", "rate_limits", "prices", "git", "engineer", "sandbox", "scorer", "planner", "serve"] {
            #expect(docs.contains("## `[\(table)]`"), "docs/configuration.md has no section for [\(table)]")
        }
    }

    /// Regenerate with `FIXLOOP_UPDATE_GOLDEN=1 swift test --filter InitTests`.
    @Test func theSampleConfigurationIsInitsOutput() throws {
        let sample = Self.root.appendingPathComponent("examples/fixloop.toml")
        if ProcessInfo.processInfo.environment["FIXLOOP_UPDATE_GOLDEN"] != nil {
            try ConfigTemplate.render().write(to: sample, atomically: true, encoding: .utf8)
        }
        #expect(try String(contentsOf: sample, encoding: .utf8) == ConfigTemplate.render())
    }

    @Test func initRefusesToOverwriteWithoutForce() async throws {
        try await DoctorTests.withFolder { folder in
            let path = folder.appendingPathComponent("fixloop.toml").path
            let first = await runFixloop(["init", "--config", path], environment: [:])
            #expect(first.status == 0)
            #expect(first.output == "wrote \(path)\nnext: fixloop doctor\n")
            try "# mine\n".write(toFile: path, atomically: true, encoding: .utf8)
            let second = await runFixloop(["init", "--config", path], environment: [:])
            #expect(second.status == 2)
            #expect(second.output.contains("\(path) already exists; pass --force to overwrite it"))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "# mine\n")
            #expect(await runFixloop(["init", "--config", path, "--force"], environment: [:]).status == 0)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == ConfigTemplate.render())
        }
    }

    @Test(arguments: [
        (["Package.swift": "// swift-tools-version:6.0\n"], "swift test"),
        (["pyproject.toml": "[project]\nname = \"x\"\n"], "python3 -m pytest -rA"),
        (["go.mod": "module example.com/x\n"], "go test -v ./..."),
        (["Cargo.toml": "[package]\nname = \"x\"\n"], "cargo test"),
        (["package.json": #"{"scripts": {"test": "jest --ci"}, "devDependencies": {"jest": "^29"}}"#], "npm test"),
        (["package.json": #"{"scripts": {"test": "vitest run"}, "devDependencies": {"vitest": "^2"}}"#], "npm test"),
    ])
    func theRepositoryFileGuessesTheTestCommandAndReadsBack(files: [String: String], test: String) async throws {
        try await DoctorTests.withFolder { folder in
            for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            let run = await runFixloop(["init", "--repo", folder.path], environment: [:])
            #expect(run.status == 0, "\(run.output)")
            let written = try String(contentsOf: folder.appendingPathComponent(".fixloop.toml"), encoding: .utf8)
            #expect(written.contains("\ntest = \"\(test)\"\n"))
            let settings = try #require(try RepositoryFile.read(in: folder))
            #expect(settings.testCommand == test)
            #expect(settings.maxChangedLines == RepositorySettings.operatorMaxChangedLines)
            if files["package.json"]?.contains("jest") == true {
                #expect(written.contains("# package.json's test script: jest --ci"))
                #expect(written.contains("--json --outputFile=jest-report.json"))
            }
            if files["package.json"]?.contains("vitest") == true { #expect(written.contains("--reporter=junit --outputFile=junit.xml")) }
        }
    }

    @Test func anUnrecognizedRepositoryGetsACommentedTestKeyThatReadsBack() async throws {
        try await DoctorTests.withFolder { folder in
            #expect(await runFixloop(["init", "--repo", folder.path], environment: [:]).status == 0)
            let written = try String(contentsOf: folder.appendingPathComponent(".fixloop.toml"), encoding: .utf8)
            #expect(written.contains("No test command was recognized"))
            #expect(try RepositoryFile.read(in: folder)?.testCommand == nil)
            try Self.uncommented(written).write(to: folder.appendingPathComponent(".fixloop.toml"), atomically: true, encoding: .utf8)
            #expect(try RepositoryFile.read(in: folder)?.testCommand == "make test")
        }
    }

    @Test func promptsDirOverridesThePullRequestBodyACommandRenders() async throws {
        try await DoctorTests.withFolder { folder in
            let override = folder.appendingPathComponent("my-prompts/engineer/pull-request.mustache")
            try DoctorTests.write("Fixes {{ticketLink}} (house template)\n", to: override)
            let config = folder.appendingPathComponent("fixloop.toml")
            try DoctorTests.write("prompts_dir = \"my-prompts\"\n\n[git]\n", to: config)
            let context = try CommandContext.make(environment: [:], config: config.path, stateDir: folder.appendingPathComponent("state").path)
            let body = PullRequestBody(
                ticketLink: "https://github.com/acme/shop/issues/12", ticketTitle: "t", rootCause: "r", changeSummary: "c",
                files: [], tests: [], reproductionTest: nil, cost: "$0.00", reverifyCommand: "v", runID: "run-1")
            let rendered = try context.prompts.render(body)
            #expect(rendered.text == "Fixes https://github.com/acme/shop/issues/12 (house template)\n")
            #expect(rendered.overridden)
            // Templates the folder does not hold still come from the bundled prompts/.
            #expect(try context.prompts.text(of: "engineer/tools.json").isEmpty == false)
        }
    }

    @Test func aPromptsDirThatIsNotAFolderIsRefusedByName() throws {
        #expect {
            try FixloopConfiguration(toml: "prompts_dir = \"/nonexistent/prompts\"\n", file: "/etc/fixloop.toml")
        } throws: { error in
            (error as? ConfigurationError)?.message
                == "The key 'prompts_dir' in /etc/fixloop.toml is \"/nonexistent/prompts\" but /nonexistent/prompts is not a folder of templates laid out like prompts/ (e.g. engineer/pull-request.mustache); fix the value and run again."
        }
    }

    @Test func noCommandMakesAPromptLibraryOfItsOwn() throws {
        let folder = Self.root.appendingPathComponent("Sources/FixloopCLI")
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        let makers = try files.filter { file in
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            return !file.hasSuffix("CommandContext+Prompts.swift") && text.contains("PromptLibrary(")
        }
        #expect(files.count > 20)
        #expect(makers.isEmpty, "these make a PromptLibrary without prompts_dir: \(makers)")
    }
}
