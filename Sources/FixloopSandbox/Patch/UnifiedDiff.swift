/// The parts of a unified diff that matter for safety and for naming a failed hunk; not an applier.
///
/// Accepts git diffs (`diff --git`, modes, renames) and traditional `---`/`+++` diffs, with or without `a/` and
/// `b/` prefixes, LF or CRLF line ends.
public struct UnifiedDiff: Sendable, Equatable {
    /// One file's part of the diff.
    public struct FilePatch: Sendable, Equatable {
        /// The path before (`/dev/null` for a new file), as written in the diff.
        public var oldPath: String?
        /// The path after (`/dev/null` for a deleted file), as written in the diff.
        public var newPath: String?
        /// A mode from `new file mode`, `new mode` or `index … MODE` lines (`120000` is a symlink).
        public var modes: [String] = []
        /// The hunks' old start lines, in order.
        public var hunkOldStarts: [Int] = []
        /// True when git marked the file as binary.
        public var isBinary = false

        /// The path a person means: the new path unless the file is deleted, without the `a/`/`b/` prefix.
        public func displayPath(stripLevel: Int) -> String {
            let raw = (newPath == nil || newPath == "/dev/null") ? (oldPath ?? "") : (newPath ?? "")
            return UnifiedDiff.strip(raw, level: stripLevel)
        }
    }

    /// The files in order.
    public var files: [FilePatch]

    /// Parses the file headers and hunk headers of `text`.
    ///
    /// A `---` line directly followed by a `+++` line is taken as a file header even inside a hunk, so no header
    /// an applier might honour escapes the path checks.
    public init(parsing text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        var files: [FilePatch] = []
        var current: FilePatch?
        var fromGitHeader = false
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("diff --git ") {
                if let done = current { files.append(done) }
                let paths = Self.gitHeaderPaths(String(line.dropFirst("diff --git ".count)))
                current = FilePatch(oldPath: paths.0, newPath: paths.1)
                fromGitHeader = true
            } else if line.hasPrefix("--- "), index + 1 < lines.count, lines[index + 1].hasPrefix("+++ ") {
                if let done = current, !(fromGitHeader && done.hunkOldStarts.isEmpty) {
                    files.append(done)
                    current = nil
                }
                if current == nil { current = FilePatch() }
                current?.oldPath = Self.headerPath(line.dropFirst(4))
                current?.newPath = Self.headerPath(lines[index + 1].dropFirst(4))
                fromGitHeader = false
                index += 1
            } else if line.hasPrefix("@@ ") {
                if current == nil { current = FilePatch() }
                current?.hunkOldStarts.append(Self.hunkOldStart(line))
            } else if current?.hunkOldStarts.isEmpty == true {
                Self.readMetadata(line, into: &current)
            }
            index += 1
        }
        if let done = current { files.append(done) }
        self.files = files
    }

    private static func readMetadata(_ line: Substring, into current: inout FilePatch?) {
        if let mode = Self.mode(in: line) {
            current?.modes.append(mode)
        } else if line.hasPrefix("rename to ") || line.hasPrefix("copy to ") {
            current?.newPath = "b/" + line.split(separator: " ", maxSplits: 2)[2]
        } else if line.hasPrefix("rename from ") || line.hasPrefix("copy from ") {
            current?.oldPath = "a/" + line.split(separator: " ", maxSplits: 2)[2]
        } else if line.hasPrefix("Binary files ") || line == "GIT binary patch" {
            current?.isBinary = true
        }
    }

    /// 1 when every path carries the `a/`/`b/` prefix git writes, else 0.
    public var stripLevel: Int {
        let paths = files.flatMap { [$0.oldPath, $0.newPath] }.compactMap { $0 }.filter { $0 != "/dev/null" }
        guard !paths.isEmpty else { return 1 }
        return paths.allSatisfy { $0.hasPrefix("a/") || $0.hasPrefix("b/") } ? 1 : 0
    }

    /// The 1-based number of the hunk of `file` whose old start is `line`.
    public func hunkNumber(file: String, oldStart line: Int) -> Int? {
        let level = stripLevel
        guard let patch = files.first(where: { $0.displayPath(stripLevel: level) == file }) else { return nil }
        return patch.hunkOldStarts.firstIndex(of: line).map { $0 + 1 }
    }

    /// `path` without its first `level` components (`a/x/y`, 1 → `x/y`).
    public static func strip(_ path: String, level: Int) -> String {
        guard level > 0 else { return path }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count > level ? parts.dropFirst(level).joined(separator: "/") : path
    }

    private static func headerPath(_ text: Substring) -> String {
        var path = text
        if let tab = path.firstIndex(of: "\t") { path = path[..<tab] }
        var result = String(path)
        if result.hasPrefix("\""), result.hasSuffix("\""), result.count >= 2 {
            result = String(result.dropFirst().dropLast())
        }
        return result
    }

    private static func gitHeaderPaths(_ text: String) -> (String?, String?) {
        if let range = text.range(of: " b/", options: .backwards), text.hasPrefix("a/") {
            return (String(text[..<range.lowerBound]), "b/" + String(text[range.upperBound...]))
        }
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        return (parts.first, parts.count > 1 ? parts[1] : nil)
    }

    private static func hunkOldStart(_ line: Substring) -> Int {
        let fields = line.split(separator: " ")
        guard fields.count > 1, fields[1].hasPrefix("-") else { return 0 }
        return Int(fields[1].dropFirst().split(separator: ",").first ?? "") ?? 0
    }

    private static func mode(in line: Substring) -> String? {
        for prefix in ["new file mode ", "new mode ", "deleted file mode ", "old mode "] where line.hasPrefix(prefix) {
            return String(line.dropFirst(prefix.count))
        }
        if line.hasPrefix("index "), let last = line.split(separator: " ").last, last.count == 6, last.allSatisfy(\.isNumber) {
            return String(last)
        }
        return nil
    }
}
