import FixloopCore
import Foundation

/// Line parsers for the plain output of common test runners. Each returns nil when it recognised no test.
public enum PlainOutputParsers {
    /// pytest: `-rA` summary lines (`PASSED id`, `FAILED id - message`) and `-v` lines (`id PASSED [ 50%]`).
    public static func pytest(_ output: String) -> TestResults? {
        var results = TestResults(sources: ["pytest"])
        let statuses: [String: TestOutcome] = [
            "PASSED": .passed, "FAILED": .failed, "ERROR": .error, "SKIPPED": .skipped, "XFAIL": .passed,
            "XPASS": .passed,
        ]
        for raw in output.split(separator: "\n") {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if let space = line.firstIndex(of: " "), let outcome = statuses[String(line[..<space])] {
                let rest = String(line[line.index(after: space)...])
                if rest.hasPrefix("[") { continue }  // "SKIPPED [1] file:line: reason" names no test
                let id = beforeMessage(rest)
                if id.contains("::") || id.hasSuffix(".py") { results.record(id, outcome) }
                continue
            }
            // Verbose: "tests/test_x.py::test_a[1 2] PASSED                     [ 50%]"
            var text = line
            if let percent = text.range(of: #" +\[ *\d+%\]$"#, options: .regularExpression) {
                text.removeSubrange(percent)
            }
            for (word, outcome) in statuses where text.hasSuffix(" " + word) {
                let id = String(text.dropLast(word.count + 1))
                if id.contains("::"), !id.hasPrefix(" ") { results.record(id, outcome) }
            }
        }
        return results.outcomes.isEmpty ? nil : results
    }

    /// The id part of `id - message`: the first ` - ` outside brackets ends it.
    static func beforeMessage(_ text: String) -> String {
        var depth = 0
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "[" { depth += 1 } else if character == "]" { depth = max(0, depth - 1) }
            if depth == 0, text[index...].hasPrefix(" - ") { return String(text[..<index]) }
            index = text.index(after: index)
        }
        return text
    }

    /// XCTest lines from `swift test`: `Test Case 'Suite.testA' passed (0.001 seconds).`
    public static func xctest(_ output: String) -> TestResults? {
        var results = TestResults(sources: ["xctest"])
        for line in output.split(separator: "\n") {
            guard let start = line.range(of: "Test Case '") else { continue }
            let rest = line[start.upperBound...]
            guard let close = rest.range(of: "' ") else { continue }
            var name = String(rest[..<close.lowerBound])
            let verdict = rest[close.upperBound...]
            let outcome: TestOutcome
            if verdict.hasPrefix("passed") { outcome = .passed }
            else if verdict.hasPrefix("failed") { outcome = .failed }
            else if verdict.hasPrefix("skipped") { outcome = .skipped }
            else { continue }
            if name.hasPrefix("-["), name.hasSuffix("]") {  // Darwin: -[Module.Suite testA]
                name = String(name.dropFirst(2).dropLast()).replacingOccurrences(of: " ", with: ".")
            }
            results.record(name, outcome)
        }
        return results.outcomes.isEmpty ? nil : results
    }

    /// Swift Testing lines: `✔ Test add() passed after 0.001 seconds.`, `✘ Test "Adds" failed after …`.
    public static func swiftTesting(_ output: String) -> TestResults? {
        var results = TestResults(sources: ["swift-testing"])
        for line in output.split(separator: "\n") {
            guard let start = line.range(of: " Test "), !line.contains(" recorded an issue"),
                  !line[start.upperBound...].hasPrefix("run with ") else { continue }
            let rest = line[start.upperBound...]
            for (word, outcome) in [(" passed", TestOutcome.passed), (" failed", .failed), (" skipped", .skipped)] {
                guard let verdict = rest.range(of: word, options: .backwards),
                      rest[verdict.upperBound...].isEmpty || rest[verdict.upperBound...].hasPrefix(" after")
                        || rest[verdict.upperBound...].hasPrefix(".") || rest[verdict.upperBound...].hasPrefix(":")
                else { continue }
                var name = String(rest[..<verdict.lowerBound])
                if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
                results.record(name, outcome)
                break
            }
        }
        return results.outcomes.isEmpty ? nil : results
    }

    /// `go test -v`: `--- PASS: TestA (0.00s)`, subtests indented as `--- FAIL: TestA/case_1 (0.00s)`.
    public static func goTest(_ output: String) -> TestResults? {
        var results = TestResults(sources: ["go"])
        let words: [String: TestOutcome] = ["PASS": .passed, "FAIL": .failed, "SKIP": .skipped]
        for line in output.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            guard trimmed.hasPrefix("--- "), let colon = trimmed.firstIndex(of: ":") else { continue }
            guard let outcome = words[String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 4)..<colon])] else { continue }
            var name = trimmed[trimmed.index(after: colon)...].drop(while: { $0 == " " })
            if let paren = name.range(of: " (", options: .backwards) { name = name[..<paren.lowerBound] }
            results.record(String(name), outcome)
        }
        return results.outcomes.isEmpty ? nil : results
    }

    /// `cargo test`: `test tests::adds ... ok`, `test x ... FAILED`, `test y ... ignored`.
    public static func cargoTest(_ output: String) -> TestResults? {
        var results = TestResults(sources: ["cargo"])
        let words: [String: TestOutcome] = ["ok": .passed, "FAILED": .failed, "ignored": .skipped]
        for raw in output.split(separator: "\n") {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            guard line.hasPrefix("test "), let separator = line.range(of: " ... ", options: .backwards) else { continue }
            let verdict = line[separator.upperBound...].split(separator: ",").first.map(String.init) ?? ""
            guard let outcome = words[verdict.trimmingCharacters(in: .whitespaces)] else { continue }
            results.record(String(line[line.index(line.startIndex, offsetBy: 5)..<separator.lowerBound]), outcome)
        }
        return results.outcomes.isEmpty ? nil : results
    }
}
