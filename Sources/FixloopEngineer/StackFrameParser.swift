/// A source location named by a stack trace.
public struct StackFrame: Sendable, Equatable {
    public let path: String
    public let line: Int
    public let function: String?
}

/// Pulls stack frames and error messages out of ticket text, for Python, Swift, JavaScript, Go, Java and Rust.
public enum StackFrameParser {
    private static let patterns: [String] = [
        #"File "(?<path>[^"]+)", line (?<line>\d+), in (?<function>[\w<>.]+)"#,                // Python
        #"at (?<function>[\w$.<>]+) \((?<path>[^():\s]+):(?<line>\d+):\d+\)"#,                  // JavaScript
        #"at [\w$.]+\.(?<function>[\w$<>]+)\((?<path>[\w$]+\.(?:java|kt|scala)):(?<line>\d+)\)"#, // JVM
        #"(?<path>(?:[\w.\-]+/)*[\w.\-]+\.(?:swift|py|js|jsx|ts|tsx|go|rs|rb|php|c|cc|cpp|h|m|mm|cs)):(?<line>\d+)"#, // path:line
    ]

    /// Frames in order of appearance; for Python, innermost (last) first, as that is where the error was raised.
    public static func frames(in text: String) -> [StackFrame] {
        var python: [StackFrame] = []
        var others: [StackFrame] = []
        var seen = Set<String>()
        for (index, pattern) in patterns.enumerated() {
            guard let regex = try? Regex(pattern) else { continue }
            for match in text.matches(of: regex) {
                guard let path = match.output["path"]?.substring.map(String.init),
                      let lineText = match.output["line"]?.substring, let line = Int(lineText) else { continue }
                let key = "\(path):\(line)"
                guard !seen.contains(key), !isLibraryPath(path) else { continue }
                seen.insert(key)
                let frame = StackFrame(path: path, line: line, function: match.output["function"]?.substring.map(String.init))
                if index == 0 { python.append(frame) } else { others.append(frame) }
            }
        }
        return python.reversed() + others
    }

    /// Messages worth searching for literally: the text after `SomeError:` and quoted strings of some length.
    public static func errorLiterals(in text: String) -> [String] {
        var literals: [String] = []
        if let regex = try? Regex(#"\b\w*(?:Error|Exception|Fault|Panic)\b:\s*(?<message>[^\n]{6,200})"#) {
            for match in text.matches(of: regex) {
                if let message = match.output["message"]?.substring {
                    literals.append(message.trimmingCharacters(in: .whitespaces))
                }
            }
        }
        if let regex = try? Regex(#"["'`](?<quoted>[^"'`\n]{8,120})["'`]"#) {
            for match in text.matches(of: regex) {
                if let quoted = match.output["quoted"]?.substring { literals.append(String(quoted)) }
            }
        }
        var seen = Set<String>()
        return literals.filter { seen.insert($0).inserted }
    }

    private static func isLibraryPath(_ path: String) -> Bool {
        ["site-packages/", "dist-packages/", "/usr/lib/", "node_modules/", "/lib/python", "<frozen", ".build/checkouts/"]
            .contains { path.contains($0) }
    }
}
