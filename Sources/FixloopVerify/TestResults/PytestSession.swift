import Foundation

/// What pytest's plain output says about its session: whether results were printed before the session header,
/// and the counts of the final summary line (`==== 2 failed, 2 passed in 0.05s ====`, or `-q`'s bare form).
struct PytestSession: Equatable {
    /// True when the output holds pytest's `test session starts` header.
    var started = false
    /// True when result lines (`PASSED id`, `id PASSED`) come before that header.
    var resultsBeforeStart = false
    /// Outcome word (`passed`, `failed`, `error`, `skipped`, `xfailed`, `xpassed`) → count, from the last summary
    /// line; nil when there is none.
    var counts: [String: Int]?

    init(output: String) {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        if let header = lines.firstIndex(where: { $0.contains(" test session starts ") }) {
            started = true
            let before = lines[..<header].joined(separator: "\n")
            resultsBeforeStart = PlainOutputParsers.pytest(before) != nil
        }
        for line in lines.reversed() {
            if let found = Self.counts(inSummary: String(line)) {
                counts = found
                break
            }
        }
    }

    /// The counts of a summary line, or nil when `line` is not one.
    static func counts(inSummary line: String) -> [String: Int]? {
        var text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("=") {
            guard text.hasSuffix("=") else { return nil }
            text = text.trimmingCharacters(in: CharacterSet(charactersIn: "= "))
        }
        guard let timing = text.range(of: #" in [0-9.]+s( \([0-9:]+\))?$"#, options: .regularExpression) else {
            return nil
        }
        let words = ["passed", "failed", "error", "errors", "skipped", "xfailed", "xpassed", "deselected",
                     "warning", "warnings", "rerun"]
        var counts: [String: Int] = [:]
        for part in text[..<timing.lowerBound].components(separatedBy: ", ") {
            let fields = part.split(separator: " ")
            guard fields.count == 2, let number = Int(fields[0]), words.contains(String(fields[1])) else { return nil }
            let word = fields[1] == "errors" ? "error" : String(fields[1])
            counts[word, default: 0] += number
        }
        return counts.isEmpty ? nil : counts
    }
}
