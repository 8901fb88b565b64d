import Foundation

/// Replace one exact snippet of a file: the edit the model's `replace` tool and SEARCH/REPLACE blocks share.
public struct ExactEdit: Sendable, Equatable {
    public var path: String
    /// The text to find; empty means "create the file with `replacement`" (or append to an empty file).
    public var search: String
    public var replacement: String

    public init(path: String, search: String, replacement: String) {
        self.path = path
        self.search = search
        self.replacement = replacement
    }

    /// What happened; a failure says what to do next, for the model.
    public enum Outcome: Sendable, Equatable {
        case applied(path: String)
        case created(path: String)
        case noMatch(path: String, hint: String)
        case ambiguous(path: String, count: Int)
        case refused(path: String, reason: String)

        public var succeeded: Bool {
            switch self {
            case .applied, .created: return true
            default: return false
            }
        }

        /// The feedback sentence for the model.
        public var feedback: String {
            switch self {
            case .applied(let path): return "Edited \(path)."
            case .created(let path): return "Created \(path)."
            case .noMatch(let path, let hint):
                return "The search text was not found in \(path). Copy it exactly from the file, including indentation.\(hint)"
            case .ambiguous(let path, let count):
                return "The search text appears \(count) times in \(path). Include more surrounding lines so it matches once."
            case .refused(let path, let reason): return "Cannot edit \(path): \(reason)."
            }
        }
    }

    /// Applies the edit to the checkout.
    public func apply(in files: WorkspaceFiles) -> Outcome {
        let current: String?
        do {
            current = try files.text(path)
        } catch let refusal as WorkspaceFiles.Refusal {
            return .refused(path: path, reason: refusal.reason)
        } catch {
            return .refused(path: path, reason: "cannot be read")
        }
        guard let text = current else {
            guard search.isEmpty else { return .noMatch(path: path, hint: " The file does not exist; use an empty search to create it.") }
            return write(replacement.hasSuffix("\n") || replacement.isEmpty ? replacement : replacement + "\n", in: files, created: true)
        }
        if search.isEmpty {
            guard text.isEmpty else { return .ambiguous(path: path, count: 0) }
            return write(replacement, in: files, created: false)
        }
        let count = text.occurrences(of: search)
        if count == 1 { return write(text.replacingFirst(search, with: replacement), in: files, created: false) }
        if count > 1 { return .ambiguous(path: path, count: count) }
        // Models often get trailing whitespace or indentation wrong; accept a unique match that differs only there.
        if let relaxed = relaxedReplace(in: text) { return write(relaxed, in: files, created: false) }
        return .noMatch(path: path, hint: closestLineHint(in: text))
    }

    private func write(_ content: String, in files: WorkspaceFiles, created: Bool) -> Outcome {
        do {
            try files.write(path, content: content)
            return created ? .created(path: path) : .applied(path: path)
        } catch let refusal as WorkspaceFiles.Refusal {
            return .refused(path: path, reason: refusal.reason)
        } catch {
            return .refused(path: path, reason: "cannot be written")
        }
    }

    /// Matches line by line ignoring trailing whitespace and a uniform indentation difference.
    private func relaxedReplace(in text: String) -> String? {
        let lines = text.components(separatedBy: "\n")
        let wanted = search.components(separatedBy: "\n").map { $0.trimmingTrailingWhitespace() }
        let trimmedWanted = wanted.map { $0.trimmingLeadingWhitespace() }
        guard !wanted.isEmpty, wanted.count <= lines.count else { return nil }
        var matches: [Int] = []
        for start in 0...(lines.count - wanted.count) {
            let window = lines[start..<(start + wanted.count)].map { $0.trimmingTrailingWhitespace().trimmingLeadingWhitespace() }
            if window == trimmedWanted { matches.append(start) }
        }
        guard matches.count == 1, let start = matches.first else { return nil }
        let indentFile = lines[start].prefix { $0 == " " || $0 == "\t" }
        let indentSearch = wanted[0].prefix { $0 == " " || $0 == "\t" }
        let replacementLines = replacement.components(separatedBy: "\n").map { line -> String in
            guard line.hasPrefix(indentSearch) else { return line }
            return String(indentFile) + String(line.dropFirst(indentSearch.count))
        }
        var result = lines
        result.replaceSubrange(start..<(start + wanted.count), with: replacementLines)
        return result.joined(separator: "\n")
    }

    private func closestLineHint(in text: String) -> String {
        guard let first = search.components(separatedBy: "\n").first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })?
            .trimmingCharacters(in: .whitespaces) else { return "" }
        let lines = text.components(separatedBy: "\n")
        if let index = lines.firstIndex(where: { $0.contains(first) }) {
            return " Its first line appears at line \(index + 1); re-read lines \(max(1, index - 2))-\(index + 6) and copy them exactly."
        }
        return " Re-read the file before editing."
    }
}

extension String {
    func occurrences(of needle: String) -> Int {
        guard !needle.isEmpty else { return 0 }
        var count = 0
        var searchRange = startIndex..<endIndex
        while let found = range(of: needle, range: searchRange) {
            count += 1
            searchRange = found.upperBound..<endIndex
        }
        return count
    }

    func replacingFirst(_ needle: String, with replacement: String) -> String {
        guard let found = range(of: needle) else { return self }
        return replacingCharacters(in: found, with: replacement)
    }

    func trimmingTrailingWhitespace() -> String {
        var result = self
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result.removeLast() }
        return result
    }

    func trimmingLeadingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" })
    }
}
