@testable import FixloopEngineer
import FixloopCore
import FixloopGit
import FixloopPrompts
import FixloopSandbox
import FixloopTesting
import FixloopVerify
import Foundation

/// A tiny Python repository with a planted bug, checked out in a private scratch folder, and the real bubblewrap
/// sandbox to run its tests: what the engineer's parts are tested on.
struct EngineerScene {
    static let cart = "def total(prices):\n    result = 0\n    for price in prices:\n        result -= price\n    return result\n\n\ndef count(prices):\n    return len(prices)\n"
    static let files = [
        "shop/__init__.py": "",
        "shop/cart.py": cart,
        "tests/__init__.py": "",
        "tests/test_cart.py": "from shop.cart import count, total\n\n\ndef test_total_of_two():\n    assert total([100, 250]) == 350\n\n\ndef test_count():\n    assert count([1, 2]) == 2\n",
    ]
    /// The same repository without the test that shows the bug.
    static var filesWithoutReproduction: [String: String] {
        var files = files
        files["tests/test_cart.py"] = "from shop.cart import count\n\n\ndef test_count():\n    assert count([1, 2]) == 2\n"
        return files
    }
    static let failingTest = "tests/test_cart.py::test_total_of_two"

    let scratch: URL
    let workspace: URL
    let baseCommit: String
    let tests: SandboxedTests
    let sandbox: any Sandbox
    let testPolicy: SandboxPolicy
    let setupPolicy: SandboxPolicy
    let trajectory = Trajectory(file: nil)
    let prompts = PromptLibrary()

    /// Makes the scene in a fresh scratch folder, runs `body`, and removes everything.
    static func with<T>(files: [String: String] = files, isolation: isolated (any Actor)? = #isolation,
                        _ body: (EngineerScene) async throws -> T) async throws -> T {
        try await ScratchWorkspace.withFolder(label: "engineer-test") { scratch in
            let workspace = scratch.appendingPathComponent("repo", isDirectory: true)
            let baseCommit = try await GitFixture.makeRepository(at: workspace, files: files)
            try ScratchWorkspace.makePrivate(workspace)
            let sandbox = try await BubblewrapSandbox.detect(configuration: .init(hostEnvironment: ["TERM": "dumb"]))
            let catalog = SandboxPolicyCatalog(directories: [])
            var testPolicy = try catalog.policy("test")
            testPolicy.limits.wallClockSeconds = 60
            let setupPolicy = try catalog.policy("setup")
            let tests = SandboxedTests(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy,
                                       testCommand: "python3 -m pytest -rA -p no:cacheprovider", readOnlyPaths: [])
            try RunLeftovers.exclude(in: workspace, extra: [])
            return try await body(EngineerScene(scratch: scratch, workspace: workspace, baseCommit: baseCommit, tests: tests,
                                                sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy))
        }
    }

    func baseline() async throws -> Baseline {
        try await Baseline.measure(tests: tests, workspace: workspace, runs: 1)
    }

    /// The scene's tests on another sandbox (a counting one around the real sandbox).
    func tests(on sandbox: any Sandbox) -> SandboxedTests {
        SandboxedTests(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy, testCommand: tests.testCommand, readOnlyPaths: [])
    }

    func engineer(_ model: any ModelClient, settings: EngineerSettings = EngineerSettings(), usesTools: Bool = true,
                  tests: SandboxedTests? = nil) -> Engineer {
        Engineer(model: model, tests: tests ?? self.tests, verifier: PatchVerifier(sandbox: sandbox, testPolicy: testPolicy, setupPolicy: setupPolicy),
                 prompts: prompts, settings: settings, trajectory: trajectory, usesTools: usesTools, setupCommand: nil)
    }

    /// An edit loop on the scene's checkout.
    func loop(_ model: any ModelClient, settings: EngineerSettings = EngineerSettings(), usesTools: Bool = true,
              deadline: ContinuousClock.Instant = .now + .seconds(600), tests: SandboxedTests? = nil) throws -> EditLoop {
        EditLoop(model: model, tools: EngineerTools(files: WorkspaceFiles(root: workspace), tests: tests ?? self.tests),
                 format: try engineer(model, usesTools: usesTools).editFormat(), prompts: prompts, settings: settings,
                 trajectory: trajectory, deadline: deadline)
    }

    /// The engineer's own acceptance (``Candidates/acceptance(of:baseCommit:baseline:reproduction:policy:)``).
    func acceptance(_ baseline: Baseline) -> EditLoop.Acceptance {
        Candidates.acceptance(of: GitWorkingCopy(directory: workspace), baseCommit: baseCommit, baseline: baseline,
                              reproduction: [Self.failingTest], policy: DiffPolicy())
    }

    /// A `replace` tool call.
    static func replace(_ search: String, _ replacement: String, path: String = "shop/cart.py", id: String = "call-edit") -> ToolCall {
        call(id, "replace", ["path": .string(path), "search": .string(search), "replace": .string(replacement)])
    }

    static let submit = call("call-submit", "submit", ["root_cause": .string("total subtracted prices."), "summary": .string("Add them.")])

    static func call(_ id: String, _ name: String, _ arguments: [String: JSONValue]) -> ToolCall {
        ToolCall(id: id, name: name, argumentsText: JSONValue.object(arguments).jsonText)
    }
}

extension ModelRequest {
    /// The text of the last user message: what the model was told last.
    var lastUserText: String { messages.last { $0.role == .user }?.content ?? "" }
}

extension ScriptedModelClient {
    /// What the model had been told last when it got request `index` (0 for the first); empty when there was none.
    func told(before index: Int) -> String {
        index < requests.count ? requests[index].lastUserText : ""
    }
}
