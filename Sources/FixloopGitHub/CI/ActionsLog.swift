import Foundation

/// A GitHub Actions job log made readable: colour codes and timestamps removed, group markers dropped, cut to its
/// last lines, and the commands that failed picked out.
public struct ActionsLog: Sendable, Equatable {
    /// The last lines (at most ``maxLines`` and ``maxBytes``).
    public var tail: String
    /// True when lines before the tail were left out.
    public var truncated: Bool
    /// The commands the log shows failing, in order, each once.
    public var failingCommands: [String]

    public static let maxLines = 200
    public static let maxBytes = 16 * 1024

    /// - Parameters:
    ///   - text: the raw log as GitHub serves it.
    ///   - maxLines: the most lines kept.
    ///   - maxBytes: the most UTF-8 bytes kept (whole lines only, except a single longer last line, cut at its end).
    public init(_ text: String, maxLines: Int = ActionsLog.maxLines, maxBytes: Int = ActionsLog.maxBytes) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { Self.clean(String($0)) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        failingCommands = Self.failingCommands(lines)
        let readable = lines.filter { $0 != "##[endgroup]" }.map(Self.unmark)
        var kept: [String] = []
        var bytes = 0
        for line in readable.reversed() {
            let size = line.utf8.count + 1
            if kept.count == maxLines { break }
            if bytes + size > maxBytes {
                if kept.isEmpty { kept.append(String(decoding: line.utf8.suffix(maxBytes - 1), as: UTF8.self)) }
                break
            }
            kept.append(line)
            bytes += size
        }
        truncated = kept.count < readable.count
        tail = kept.reversed().joined(separator: "\n")
    }

    /// A line without ANSI escape sequences and without the runner's leading ISO 8601 timestamp.
    static func clean(_ line: String) -> String {
        var text = line.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[ -/]*[@-~]", with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "\r", with: "")
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text.replacingOccurrences(
            of: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z ?", with: "", options: .regularExpression)
    }

    /// `##[group]Run npm test` → `Run npm test`; `##[error]…` → `Error: …`.
    private static func unmark(_ line: String) -> String {
        if line.hasPrefix("##[group]") { return String(line.dropFirst("##[group]".count)) }
        if line.hasPrefix("##[error]") { return "Error: " + line.dropFirst("##[error]".count) }
        return line
    }

    /// The command of each step that ended with `Process completed with exit code N` (N ≠ 0): the step's
    /// `##[group]Run …` header and its first command line; else shell-traced test commands (`+ pytest`, `$ npm test`,
    /// npm's `> jest`) that precede an error line.
    static func failingCommands(_ lines: [String]) -> [String] {
        var commands: [String] = []
        var current: String?
        var traced: String?
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("##[group]Run ") {
                current = String(line.dropFirst("##[group]Run ".count)).trimmingCharacters(in: .whitespaces)
                // A multi-line `run:` shows its first line in the header and the whole script after it.
                if current?.isEmpty == true, index + 1 < lines.count { current = lines[index + 1].trimmingCharacters(in: .whitespaces) }
            } else if let command = tracedCommand(line) {
                traced = command
            } else if line.hasPrefix("##[error]Process completed with exit code"), !line.hasSuffix("exit code 0.") {
                if let command = current ?? traced, !commands.contains(command) { commands.append(command) }
                current = nil
            }
        }
        if commands.isEmpty, let traced, lines.contains(where: { $0.hasPrefix("##[error]") || $0.contains("ERR!") }) {
            commands.append(traced)
        }
        return commands
    }

    private static let runners = [
        "pytest", "python -m pytest", "python3 -m pytest", "tox", "nox", "npm test", "npm run", "npx ", "yarn ", "pnpm ",
        "jest", "vitest", "go test", "go vet", "cargo test", "cargo clippy", "swift test", "swift build", "make ",
        "ruff", "flake8", "mypy", "eslint", "tsc", "mvn ", "gradle", "./gradlew", "bundle exec", "rspec", "phpunit",
    ]

    /// A test or lint command behind a shell trace (`+ `), a prompt (`$ `) or npm's script echo (`> `).
    private static func tracedCommand(_ line: String) -> String? {
        for prefix in ["+ ", "$ ", "> "] where line.hasPrefix(prefix) {
            let command = line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            if runners.contains(where: { command == $0.trimmingCharacters(in: .whitespaces) || command.hasPrefix($0.hasSuffix(" ") ? $0 : $0 + " ") || command == $0 }) {
                return command
            }
        }
        return nil
    }
}
