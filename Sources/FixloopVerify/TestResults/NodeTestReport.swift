import FixloopCore
import Foundation

/// The report of `node --test` that Fixloop asks for: a reporter module of its own (``reporterSource``), added
/// through `NODE_OPTIONS`, writes one JSON line per finished test with the test's file and suites, which node's
/// TAP and spec output leave out for passing tests (node 20 has no JUnit reporter).
///
/// A test's id is `file::Suite > test`, the file relative to the workspace.
public enum NodeTestReport {
    /// The reporter module's file name in the evidence folder.
    static let reporterName = "node-reporter.mjs"

    /// The reporter: node's test events in, one JSON line per finished test out. `test:start` events carry each
    /// level's name, so a test's suites are known when it finishes.
    static let reporterSource = """
        // Written by Fixloop for one test run: one JSON line per finished test, with its file and its suites.
        const open = new Map();
        export default async function* fixloopReporter(source) {
          for await (const event of source) {
            const data = event.data ?? {};
            const key = data.file ?? '';
            if (event.type === 'test:start') {
              const stack = (open.get(key) ?? []).slice(0, data.nesting);
              stack[data.nesting] = data.name;
              open.set(key, stack);
            } else if (event.type === 'test:pass' || event.type === 'test:fail') {
              const names = [...(open.get(key) ?? []).slice(0, data.nesting), data.name];
              yield JSON.stringify({
                file: data.file ?? null, names, passed: event.type === 'test:pass',
                skip: Boolean(data.skip), todo: Boolean(data.todo), suite: data.details?.type === 'suite',
              }) + '\\n';
            }
          }
        }

        """

    struct Line: Decodable {
        var file: String?
        var names: [String]
        var passed: Bool
        var skip: Bool
        var todo: Bool
        var suite: Bool
    }

    /// One report's outcomes and the ids it listed more than once.
    public struct Report: Sendable, Equatable {
        /// The outcomes (a repeated id keeps its worst outcome).
        public var results: TestResults
        /// Ids listed more than once, sorted.
        public var duplicates: [String]
    }

    /// Parses the reporter's lines; lines that are not its JSON are ignored.
    /// - Returns: the report, or nil when it lists no test.
    public static func parse(_ text: String, workspacePath: String? = nil) -> Report? {
        var results = TestResults(sources: ["node-test-report"])
        var seen: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            guard let entry = try? JSONDecoder().decode(Line.self, from: Data(line.utf8)), !entry.suite else { continue }
            let name = entry.names.joined(separator: " > ")
            let id = entry.file.map { JestJSONReport.relative($0, to: workspacePath) + "::" + name } ?? name
            seen[id, default: 0] += 1
            results.record(id, entry.skip || entry.todo ? .skipped : entry.passed ? .passed : .failed)
        }
        guard !results.outcomes.isEmpty else { return nil }
        return Report(results: results, duplicates: seen.filter { $0.value > 1 }.keys.sorted())
    }

    /// The report against the plain TAP or spec output, whose ids are the full names without the file.
    static func crossCheck(_ report: Report, plain: TestResults?) -> [String] {
        var problems: [String] = []
        if let duplicate = report.duplicates.first { problems.append("the runner's report lists \(duplicate) more than once") }
        var byName: [String: TestOutcome] = [:]
        for (id, outcome) in report.results.outcomes {
            let name = id.range(of: "::").map { String(id[$0.upperBound...]) } ?? id
            if byName[name].map({ $0.severity < outcome.severity }) ?? true { byName[name] = outcome }
        }
        for (name, printed) in (plain?.outcomes ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let reported = byName[name] else {
                problems.append("the output reports \(name), which the runner's report does not list")
                continue
            }
            if (printed == .passed) != (reported == .passed) {
                problems.append("the output says \(name) \(printed.rawValue), the runner's report \(reported.rawValue)")
            }
        }
        return problems
    }
}
