import FixloopCore
import FixloopPrompts
import Foundation

/// The tools the model works through. Files are read and edited on the host inside the checkout
/// (``WorkspaceFiles`` refuses `..`, `.git` and links); tests and commands run in the sandbox.
public struct EngineerTools: Sendable {
    public let files: WorkspaceFiles
    public let tests: SandboxedTests
    /// The last test run and its tree: an unchanged tree is not tested again.
    public let memo: TestRunMemo

    public init(files: WorkspaceFiles, tests: SandboxedTests, memo: TestRunMemo = TestRunMemo()) {
        self.files = files
        self.tests = tests
        self.memo = memo
    }

    /// The tests on the workspace as it is now: the last run again when the tree has not changed since it.
    /// - Returns: the run, and whether it was reused rather than run.
    public func testRun(in workspace: URL) async throws -> (run: TestRun, reused: Bool) {
        let tree = await TestRunMemo.tree(of: workspace)
        if let run = await memo.run(for: tree) { return (run, true) }
        let run = try await tests.runTests(in: workspace)
        await memo.remember(run, tree: tree)
        return (run, false)
    }

    /// What a tool call did, for the loop.
    public struct Result: Sendable, Equatable {
        public var text: String
        public var edited = false
        public var testRun: TestRun?
        public var submission: (rootCause: String, summary: String)?

        public static func == (lhs: Self, rhs: Self) -> Bool { lhs.text == rhs.text && lhs.edited == rhs.edited }
    }

    /// Each tool's parameters; what a tool is for, as the model reads it, is in `prompts/engineer/tools.json`.
    static let parameters: [(name: String, properties: [String: Kind], required: [String])] = [
        ("read_file", ["path": .string, "start_line": .integer, "end_line": .integer], ["path"]),
        ("search", ["text": .string, "path": .string], ["text"]),
        ("list_files", ["path": .string], []),
        ("replace", ["path": .string, "search": .string, "replace": .string], ["path", "search", "replace"]),
        ("write_file", ["path": .string, "content": .string], ["path", "content"]),
        ("run_tests", [:], []),
        ("run_command", ["command": .string], ["command"]),
        ("submit", ["root_cause": .string, "summary": .string], ["root_cause", "summary"]),
    ]

    /// The tools' names.
    public static var names: [String] { parameters.map(\.name) }

    /// The tool definitions, described with `prompts/engineer/tools.json` (a JSON object: name → description).
    /// - Throws: ``PromptError`` when the file is missing, is not such an object, or lacks or adds a tool.
    public static func definitions(prompts: PromptLibrary) throws -> [ToolDefinition] {
        let file = "engineer/tools.json"
        guard let descriptions = try? JSONDecoder().decode([String: String].self, from: Data(prompts.text(of: file).utf8)) else {
            throw PromptError(code: "prompt.malformed", message: "The prompt file \(file) is not a JSON object of tool names and descriptions; fix it.")
        }
        let (missing, unknown) = (Set(names).subtracting(descriptions.keys), Set(descriptions.keys).subtracting(names))
        guard missing.isEmpty, unknown.isEmpty else {
            throw PromptError(code: "prompt.missing_key", message: "The prompt file \(file) must describe exactly the tools \(names.joined(separator: ", ")) (missing: \(missing.sorted().joined(separator: ", ")); unknown: \(unknown.sorted().joined(separator: ", "))); fix it.")
        }
        return parameters.map { tool($0.name, descriptions[$0.name]!, $0.properties, required: $0.required) }
    }

    enum Kind { case string, integer }

    private static func tool(_ name: String, _ description: String, _ properties: [String: Kind], required: [String]) -> ToolDefinition {
        var members: [String: JSONValue] = [:]
        for (key, kind) in properties { members[key] = .object(["type": .string(kind == .string ? "string" : "integer")]) }
        return ToolDefinition(name: name, description: description, parameters: .object([
            "type": .string("object"), "properties": .object(members), "required": .array(required.map { .string($0) }),
            "additionalProperties": .bool(false),
        ]))
    }

    /// Runs one call; a bad call is a result that says what was wrong, never a thrown error.
    public func execute(_ call: ToolCall, workspace: URL) async throws -> Result {
        guard let arguments = call.arguments else {
            return Result(text: "The arguments of \(call.name) are not valid JSON; send an object matching the tool's schema.")
        }
        func string(_ key: String) -> String? { arguments[key]?.stringValue }
        switch call.name {
        case "read_file":
            guard let path = string("path") else { return missing("path", call.name) }
            return guard_ { try files.read(path, from: arguments["start_line"]?.intValue, to: arguments["end_line"]?.intValue) }
        case "search":
            guard let text = string("text"), !text.isEmpty else { return missing("text", call.name) }
            return guard_ { try search(text, under: string("path") ?? "") }
        case "list_files":
            return guard_ { try files.list(string("path") ?? "").joined(separator: "\n") }
        case "replace":
            guard let path = string("path"), let search = string("search"), let replacement = string("replace") else {
                return missing("path, search and replace", call.name)
            }
            let outcome = ExactEdit(path: path, search: search, replacement: replacement).apply(in: files)
            return Result(text: outcome.feedback, edited: outcome.succeeded)
        case "write_file":
            guard let path = string("path"), let content = string("content") else { return missing("path and content", call.name) }
            let outcome = ExactEdit(path: path, search: "", replacement: content).apply(in: files)
            if case .ambiguous = outcome {
                do {
                    try files.write(path, content: content)
                    return Result(text: "Wrote \(path).", edited: true)
                } catch { return Result(text: "Cannot write \(path): \(error).") }
            }
            return Result(text: outcome.feedback, edited: outcome.succeeded)
        case "run_tests":
            let run = try await testRun(in: workspace).run
            return Result(text: "Tests: \(run.summary)\n\(run.output)", testRun: run)
        case "run_command":
            guard let command = string("command") else { return missing("command", call.name) }
            await memo.forget()
            let result = try await tests.run(command, in: workspace)
            let ending = result.limit.map { "stopped by the \($0) limit" } ?? result.termination.description
            return Result(text: "\(ending)\n\(SandboxedTests.trim(result.standardOutput.text + result.standardError.text, limit: 4_000))")
        case "submit":
            return Result(text: "Submitted; Fixloop verifies the change now.",
                          submission: (string("root_cause") ?? "", string("summary") ?? ""))
        default:
            return Result(text: "There is no tool named \(call.name); use one of \(Self.names.joined(separator: ", ")).")
        }
    }

    private func missing(_ what: String, _ tool: String) -> Result {
        Result(text: "\(tool) needs \(what).")
    }

    private func guard_(_ body: () throws -> String) -> Result {
        do { return Result(text: try body()) } catch { return Result(text: "\(error)") }
    }

    /// Literal search over text files, at most 50 matches.
    func search(_ text: String, under path: String) throws -> String {
        let root = path.isEmpty ? files.root : try files.resolve(path)
        var matches: [String] = []
        for (file, content) in Localizer.readFiles(in: root).sorted(by: { $0.key < $1.key }) {
            for (index, line) in content.components(separatedBy: "\n").enumerated() where line.contains(text) {
                let shown = path.isEmpty ? file : "\(path.hasSuffix("/") ? path : path + "/")\(file)"
                matches.append("\(shown):\(index + 1): \(line.trimmingCharacters(in: .whitespaces).prefix(200))")
                if matches.count >= 50 { return matches.joined(separator: "\n") + "\n(more matches left out)" }
            }
        }
        return matches.isEmpty ? "No matches for '\(text)'." : matches.joined(separator: "\n")
    }
}
