import Foundation

/// Searches a checkout for where a pattern lives: the literal runs of its message template, the files and
/// functions of its frames, and the handlers of its route. Text files only, at most ``maximumFileBytes`` each.
public struct CodebaseSearch: Sendable {
    /// The checkout's root (a workspace from the git layer).
    public let root: URL
    public var maximumFileBytes = 1 << 20
    public var maximumFiles = 20_000
    private let files: [(path: String, lines: [Substring])]

    static let skipped: Set<String> = [".git", "node_modules", ".build", "__pycache__", ".venv", "venv", "dist", "build", ".tox"]

    /// Reads the text files under `root` once.
    public init(root: URL) {
        self.root = root.standardizedFileURL
        var found: [(String, [Substring])] = []
        let prefix = self.root.path.hasSuffix("/") ? self.root.path : self.root.path + "/"
        let enumerator = FileManager.default.enumerator(
            at: self.root, includingPropertiesForKeys: [.isDirectoryKey, .fileSizeKey, .isSymbolicLinkKey])
        while let url = enumerator?.nextObject() as? URL, found.count < maximumFiles {
            let values = try? url.resourceValues(forKeys: [.isDirectoryKey, .fileSizeKey, .isSymbolicLinkKey])
            if values?.isDirectory == true {
                if Self.skipped.contains(url.lastPathComponent) { enumerator?.skipDescendants() }
                continue
            }
            guard values?.isSymbolicLink != true, (values?.fileSize ?? 0) <= maximumFileBytes,
                  let data = try? Data(contentsOf: url), !data.contains(0),
                  let text = String(data: data, encoding: .utf8)
            else { continue }
            let path = url.standardizedFileURL.path
            found.append((path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path, text.split(separator: "\n", omittingEmptySubsequences: false)))
        }
        files = found.sorted { $0.0 < $1.0 }
    }

    /// Where `pattern`'s signature and messages point, strongest evidence first, at most `limit`.
    public func locations(for signature: FailureSignature, messages: [String], route: String, limit: Int) -> [SuspectedLocation] {
        var result: [SuspectedLocation] = []
        func add(_ location: SuspectedLocation) {
            if !result.contains(where: { $0.path == location.path && $0.line == location.line }) { result.append(location) }
        }
        for literal in Self.literals(of: signature.template) {
            for (path, line) in occurrences(of: literal) { add(SuspectedLocation(path: path, line: line, reason: "has the message text \"\(literal)\"")) }
        }
        for frame in signature.frames {
            let parts = frame.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            for file in files where Self.sameFile(file.path, parts[0]) {
                let line = Self.definition(of: parts[1], in: file.lines)
                add(SuspectedLocation(path: file.path, line: line, reason: "frame \(parts[1])"))
            }
        }
        if let literal = Self.routeLiteral(route) {
            for (path, line) in occurrences(of: "'\(literal)", "\"\(literal)", "`\(literal)") {
                add(SuspectedLocation(path: path, line: line, reason: "handles \(route)"))
            }
        }
        return Array(result.prefix(limit))
    }

    /// The runs of plain words between placeholders, longest first, at least 3 words or 12 characters.
    static func literals(of template: String) -> [String] {
        let tokens = template.split(separator: " ")
        var runs: [[Substring]] = [[]]
        for token in tokens {
            if ValueMasker.isPlaceholder(token) || token.contains("<") { runs.append([]) } else { runs[runs.count - 1].append(token) }
        }
        return runs.map { $0.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: " .:;,!?()[]{}'\"")) }
            .filter { $0.split(separator: " ").count >= 3 || $0.count >= 12 }
            .sorted { $0.count > $1.count }
    }

    /// `/cart/:id/items` → `/cart/`; `/checkout` → `/checkout`; nil for `/`.
    static func routeLiteral(_ route: String) -> String? {
        guard route.hasPrefix("/"), route.count > 1 else { return nil }
        let stable = route.split(separator: "/").prefix { !$0.hasPrefix(":") }.joined(separator: "/")
        guard !stable.isEmpty else { return nil }
        return "/" + stable + (stable.count + 1 < route.count ? "/" : "")
    }

    /// Whether a repository path and a frame's file name the same file (frames carry absolute or deployed paths).
    static func sameFile(_ path: String, _ frameFile: String) -> Bool {
        let frame = frameFile.hasPrefix("./") ? String(frameFile.dropFirst(2)) : frameFile
        return frame == path || frame.hasSuffix("/" + path) || (path.hasSuffix("/" + frame) && frame.contains("/"))
    }

    /// The line (1-based) defining `function` in a file, if a definition can be seen.
    static func definition(of function: String, in lines: [Substring]) -> Int? {
        let name = function.split(separator: ".").last.map(String.init) ?? function
        let forms = ["def \(name)(", "func \(name)(", "function \(name)(", "fn \(name)(", "\(name) = (", "\(name)(", "async \(name)("]
        for form in forms {
            if let index = lines.firstIndex(where: { $0.contains(form) }) { return index + 1 }
        }
        return nil
    }

    private func occurrences(of needles: String...) -> [(String, Int)] {
        var found: [(String, Int)] = []
        for file in files {
            for (index, line) in file.lines.enumerated() where needles.contains(where: { line.contains($0) }) {
                found.append((file.path, index + 1))
                if found.count >= 20 { return found }
            }
        }
        return found
    }
}
