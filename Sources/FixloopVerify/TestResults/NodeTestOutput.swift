import FixloopCore
import Foundation

/// Reads the plain output of `node --test`: its TAP reporter (the default on a pipe) and its spec reporter (the
/// default on a terminal).
///
/// Plain output does not name the file of a passing test, so these ids are the full name alone,
/// `Suite > test`; the runner's own report (``NodeTestReport``), asked for whenever Fixloop sees `node --test`,
/// adds the file. Suites are not tests: only leaves are recorded.
public enum NodeTestOutput {
    /// TAP: `# Subtest: name`, `ok 1 - name`, `not ok 2 - name`, `ok 3 - name # SKIP`, indented 4 per level.
    public static func tap(_ output: String) -> TestResults? {
        guard output.contains("TAP version") || output.contains("# Subtest: ") else { return nil }
        var results = TestResults(sources: ["node-tap"])
        var names: [String] = []
        var hasChildren: [Bool] = []
        for raw in output.split(separator: "\n") {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let indent = line.prefix(while: { $0 == " " }).count
            let level = indent / 4
            let text = line.dropFirst(indent)
            if text.hasPrefix("# Subtest: ") {
                set(&names, level, String(text.dropFirst("# Subtest: ".count)))
                set(&hasChildren, level, false)
                continue
            }
            let failed = text.hasPrefix("not ok ")
            guard failed || text.hasPrefix("ok ") else { continue }
            guard let dash = text.range(of: " - ") else { continue }
            var name = String(text[dash.upperBound...])
            var outcome: TestOutcome = failed ? .failed : .passed
            if let directive = directive(in: name) {
                name = String(name[..<directive.range.lowerBound])
                if directive.word == "SKIP" || directive.word == "TODO" { outcome = .skipped }
            }
            name = name.replacingOccurrences(of: "\\#", with: "#").replacingOccurrences(of: "\\\\", with: "\\")
            if level > 0 { set(&hasChildren, level - 1, true) }
            let isSuite = level < hasChildren.count && hasChildren[level]
            if level < hasChildren.count { hasChildren[level] = false }
            if isSuite { continue }
            let ancestors = names.prefix(level)
            results.record((ancestors + [name]).joined(separator: " > "), outcome)
        }
        return results.outcomes.isEmpty ? nil : results
    }

    /// spec: `▶ suite`, `✔ name (1.2ms)`, `✖ name (3ms)`, `﹣ name (0.1ms) # SKIP`, indented 2 per level; the
    /// "failing tests:" recap at the end repeats failures without their suites and is not read.
    public static func spec(_ output: String) -> TestResults? {
        var results = TestResults(sources: ["node-spec"])
        var suites: [String] = []
        for raw in output.split(separator: "\n") {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let indent = line.prefix(while: { $0 == " " }).count
            let text = line.dropFirst(indent)
            if text.hasPrefix("✖ failing tests:") { break }
            guard let mark = text.first, "▶✔✖﹣".contains(mark), text.dropFirst().hasPrefix(" ") else { continue }
            let level = indent / 2
            var body = String(text.dropFirst(2))
            var skipped = false
            if let directive = directive(in: body) {
                body = String(body[..<directive.range.lowerBound])
                skipped = directive.word == "SKIP" || directive.word == "TODO"
            }
            let timed = body.range(of: #" \([0-9.]+m?s\)$"#, options: .regularExpression)
            let name = timed.map { String(body[..<$0.lowerBound]) } ?? body
            if mark == "▶", timed == nil {
                suites = Array(suites.prefix(level)) + [name]
                continue
            }
            if level < suites.count, suites[level] == name, timed != nil {  // the suite's closing line
                suites = Array(suites.prefix(level))
                continue
            }
            guard timed != nil else { continue }
            let outcome: TestOutcome = skipped || mark == "﹣" ? .skipped : mark == "✖" ? .failed : .passed
            results.record((suites.prefix(level) + [name]).joined(separator: " > "), outcome)
        }
        return results.outcomes.isEmpty ? nil : results
    }

    /// A trailing ` # SKIP …` or ` # TODO …` directive (TAP escapes a `#` in a name as `\#`).
    static func directive(in name: String) -> (range: Range<String.Index>, word: String)? {
        for word in ["SKIP", "TODO"] {
            if let range = name.range(of: " # " + word, options: .backwards),
               range.lowerBound == name.startIndex || name[name.index(before: range.lowerBound)] != "\\" {
                return (range.lowerBound..<name.endIndex, word)
            }
        }
        return nil
    }

    private static func set(_ array: inout [Bool], _ index: Int, _ value: Bool) {
        while array.count <= index { array.append(false) }
        array[index] = value
    }

    private static func set(_ array: inout [String], _ index: Int, _ value: String) {
        while array.count <= index { array.append("") }
        array[index] = value
        array.removeSubrange((index + 1)...)
    }
}
