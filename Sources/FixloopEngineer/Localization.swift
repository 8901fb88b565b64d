import FixloopSandbox
import Foundation

/// One ranked file: where the fix probably goes, and why.
public struct LocalizationCandidate: Sendable, Equatable, Codable {
    public let path: String
    public let score: Double
    /// Human-readable reasons: "frame 1 of the traceback (line 12, in add)", "contains 'division by zero'".
    public let reasons: [String]
    /// Lines named by stack frames, most relevant first.
    public let lines: [Int]
}

/// The ranking as `fixloop localize --json` prints it.
public struct Localization: Sendable, Equatable, Codable {
    public let candidates: [LocalizationCandidate]
    /// Symbols per top file, the compact repository map the model sees.
    public let repositoryMap: [String: [String]]
}

/// Ranks a repository's files for a ticket from stack frames, error strings, mentioned symbols and paths,
/// and lexical similarity (BM25) — no model involved, so the ranking is reproducible.
public struct Localizer: Sendable {
    /// Weights of each signal, in points.
    public var frameWeight = 10.0, literalWeight = 6.0, pathWeight = 5.0, symbolWeight = 3.0, lexicalWeight = 4.0
    public var limit = 10

    public init() {}

    /// Ranks `files` (path → content) for the ticket text.
    public func rank(text: String, files: [String: String]) -> Localization {
        var scores: [String: Double] = [:]
        var reasons: [String: [String]] = [:]
        var lines: [String: [Int]] = [:]
        func add(_ path: String, _ points: Double, _ reason: String) {
            scores[path, default: 0] += points
            if !(reasons[path]?.contains(reason) ?? false) { reasons[path, default: []].append(reason) }
        }
        let paths = Array(files.keys)
        let frames = StackFrameParser.frames(in: text)
        for (index, frame) in frames.enumerated() {
            guard let path = Self.resolve(frame.path, among: paths) else { continue }
            add(path, frameWeight / Double(1 + index / 3), "stack frame \(frame.path):\(frame.line)" + (frame.function.map { " in \($0)" } ?? ""))
            lines[path, default: []].append(frame.line)
        }
        for literal in StackFrameParser.errorLiterals(in: text) {
            for (path, content) in files {
                // People paraphrase the end of a message; its longest leading run of words still finds the raise.
                if let found = Self.prefixes(of: literal).first(where: { content.contains($0) }) {
                    add(path, literalWeight, "contains '\(found.prefix(60))'")
                }
            }
        }
        let words = Set(Tokenizer.words(in: text))
        for path in paths {
            let name = (path as NSString).lastPathComponent
            let stem = (name as NSString).deletingPathExtension.lowercased()
            if text.contains(path) || (stem.count >= 4 && words.contains(stem)) { add(path, pathWeight, "named in the ticket") }
        }
        let map = files.mapValues { SymbolExtractor.symbols(in: $0) }
        for (path, symbols) in map {
            let mentioned = symbols.filter { $0.count >= 3 && words.contains($0.lowercased()) }
            if !mentioned.isEmpty { add(path, symbolWeight * Double(min(mentioned.count, 3)), "defines \(mentioned.prefix(3).joined(separator: ", "))") }
        }
        let lexical = BM25(documents: files.mapValues { Tokenizer.words(in: $0) }).scores(for: Array(words))
        if let best = lexical.values.max(), best > 0 {
            for (path, value) in lexical where value > 0 {
                add(path, lexicalWeight * value / best, String(format: "lexical match %.2f", value / best))
            }
        }
        // The fix usually belongs in the code a test exercises, not the test: tests rank lower unless a frame names them.
        for path in scores.keys where TestLines.isTestFile(path) && lines[path] == nil { scores[path]! *= 0.5 }
        let ranked = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
        let candidates = ranked.map {
            LocalizationCandidate(path: $0.key, score: ($0.value * 100).rounded() / 100, reasons: reasons[$0.key] ?? [], lines: lines[$0.key] ?? [])
        }
        var repositoryMap: [String: [String]] = [:]
        for candidate in candidates { repositoryMap[candidate.path] = map[candidate.path] ?? [] }
        return Localization(candidates: candidates, repositoryMap: repositoryMap)
    }

    /// The literal and its shorter leading runs of words, longest first, down to three words.
    static func prefixes(of literal: String) -> [String] {
        let words = literal.split(separator: " ")
        guard words.count > 3 else { return [literal] }
        return (3...words.count).reversed().map { words.prefix($0).joined(separator: " ") }
    }

    /// Maps a frame's path (often absolute, from another machine) to a repository file by the longest suffix.
    static func resolve(_ framePath: String, among paths: [String]) -> String? {
        let frameParts = framePath.split(separator: "/")
        var best: (path: String, length: Int)?
        for path in paths {
            let parts = path.split(separator: "/")
            var length = 0
            while length < min(parts.count, frameParts.count),
                  parts[parts.count - 1 - length] == frameParts[frameParts.count - 1 - length] { length += 1 }
            if length > 0, length > (best?.length ?? 0) { best = (path, length) }
        }
        return best?.path
    }

    /// Reads the text files of a checkout worth ranking: no `.git`, dependencies, build output or binaries.
    public static func readFiles(in directory: URL, maxBytes: Int = 512 * 1024) -> [String: String] {
        let skipped: Set<String> = [".git", "node_modules", ".build", "build", "dist", "target", "__pycache__", ".venv", "venv", ".tox", "vendor"]
        var files: [String: String] = [:]
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey]) else { return files }
        let base = directory.standardizedFileURL.path
        for case let url as URL in enumerator {
            if skipped.contains(url.lastPathComponent) { enumerator.skipDescendants(); continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base + "/"),
                  let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey]), values.isRegularFile == true,
                  (values.fileSize ?? 0) <= maxBytes else { continue }
            // Read without following links: a test run may have swapped a file for a link to a host secret.
            let relative = String(path.dropFirst(base.count + 1))
            guard let data = try? CheckoutFile.read(relative, in: directory, maxBytes: maxBytes), !data.contains(0),
                  let text = String(data: data, encoding: .utf8) else { continue }
            files[relative] = text
        }
        return files
    }
}
