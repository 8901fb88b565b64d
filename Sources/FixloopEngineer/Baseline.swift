import FixloopCore
import Foundation

/// The tests before any change: which pass, which fail, and which flip between runs (flaky, excluded from checks).
public struct Baseline: Sendable {
    public var run: TestRun
    public var flaky: Set<String>

    static func measure(tests: SandboxedTests, workspace: URL, runs: Int) async throws -> Baseline {
        let first = try await tests.runTests(in: workspace)
        var flaky = Set<String>()
        if runs > 1 {
            for _ in 2...runs {
                let again = try await tests.runTests(in: workspace)
                for (id, outcome) in first.results.outcomes where again.results.outcome(of: id) != outcome { flaky.insert(id) }
            }
        }
        return Baseline(run: first, flaky: flaky)
    }

    /// Problems with `run` against this baseline: evidence that does not hold together (when the baseline's did),
    /// a reproduction test that does not pass, or a test that passed before and does not now.
    func regressions(in run: TestRun, reproduction: Set<String>) -> [String] {
        var problems: [String] = []
        let evidence = SandboxedTests.evidenceTestID
        if run.results.outcomes[evidence] != nil, self.run.results.outcomes[evidence] == nil {
            problems.append("the test evidence is inconsistent (see the first line of the output)")
        }
        for id in reproduction.sorted() where run.results.outcome(of: id) != .passed {
            problems.append("the reproduction test \(id) is \(run.results.outcome(of: id).rawValue)")
        }
        for id in self.run.passing.subtracting(flaky).subtracting(reproduction).sorted() where run.results.outcome(of: id) != .passed {
            problems.append("\(id) passed before and is now \(run.results.outcome(of: id).rawValue)")
        }
        return problems
    }
}

/// Keeps what test runs leave behind (caches, bytecode, build output) out of the diff by listing it in
/// `.git/info/exclude`, which the host owns (the sandbox sees `.git` read-only).
enum RunLeftovers {
    static let patterns = ["__pycache__/", "*.pyc", ".pytest_cache/", ".mypy_cache/", ".ruff_cache/", ".build/", "node_modules/",
                           "target/", ".venv/", "coverage/", ".coverage", "*.egg-info/", ".tox/", ".swiftpm/"]

    static func exclude(in workspace: URL, extra: [String]) throws {
        let file = workspace.appendingPathComponent(".git/info/exclude")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let existing = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        let lines = (patterns + extra).filter { !existing.contains("\n\($0)\n") }
        try (existing + "\n# left by test runs (Fixloop)\n" + lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    }
}
