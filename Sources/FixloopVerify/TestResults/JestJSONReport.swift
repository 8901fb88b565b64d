import FixloopCore
import Foundation

/// Reads per-test outcomes from the JSON report of Jest (`--json`) and Vitest (`--reporter=json`), which share
/// one shape: `testResults[]` (one per file, `name` its path) each with `assertionResults[]` (`ancestorTitles`,
/// `title`, `status`).
///
/// A test's id is `file::Ancestor > … > title`, the file relative to the workspace — the spelling Vitest's JUnit
/// XML uses — so it stays the same across runs and two files' tests of the same name stay apart. A file that
/// failed before any test ran (a syntax error, a failed import) is one test, its path, with outcome `error`.
public enum JestJSONReport {
    struct Report: Decodable {
        var testResults: [FileResult]
    }

    struct FileResult: Decodable {
        var name: String
        var status: String?
        var assertionResults: [Assertion]?
    }

    struct Assertion: Decodable {
        var ancestorTitles: [String]?
        var title: String
        var status: String
    }

    /// Parses a report, printed alone or amid other output (Jest prints it as one line, Vitest pretty-printed).
    /// - Parameter workspacePath: the workspace's path where the runner ran; file paths under it are made relative.
    /// - Returns: the outcomes, or nil when there is no such report with at least one test or failed file.
    public static func parse(_ text: String, workspacePath: String? = nil) -> TestResults? {
        for candidate in candidates(in: text) {
            guard let report = try? JSONDecoder().decode(Report.self, from: Data(candidate.utf8)) else { continue }
            var results = TestResults(sources: ["jest-json"])
            for file in report.testResults {
                let path = relative(file.name, to: workspacePath)
                let assertions = file.assertionResults ?? []
                if assertions.isEmpty, file.status == "failed" { results.record(path, .error) }
                for assertion in assertions {
                    let name = ((assertion.ancestorTitles ?? []) + [assertion.title]).joined(separator: " > ")
                    results.record("\(path)::\(name)", outcome(assertion.status))
                }
            }
            if !results.outcomes.isEmpty { return results }
        }
        return nil
    }

    static func outcome(_ status: String) -> TestOutcome {
        switch status {
        case "passed": return .passed
        case "failed": return .failed
        default: return .skipped  // pending, skipped, todo, disabled
        }
    }

    /// `path` relative to `root` when it lies under it.
    static func relative(_ path: String, to root: String?) -> String {
        guard let root, !root.isEmpty else { return path }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// JSON objects that may be the report: from each line that starts with `{` to the end of that line, and to
    /// each later line that is a lone `}`.
    static func candidates(in text: String) -> [String] {
        guard text.contains("\"testResults\"") else { return [] }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var found: [String] = []
        for (index, line) in lines.enumerated() where line.hasPrefix("{") {
            if line.contains("\"testResults\"") { found.append(String(line)) }
            guard line.trimmingCharacters(in: .whitespaces) == "{" else { continue }
            if let end = lines[(index + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "}" && !$0.hasPrefix(" ") }) {
                found.append(lines[index...end].joined(separator: "\n"))
            }
        }
        return found
    }
}
