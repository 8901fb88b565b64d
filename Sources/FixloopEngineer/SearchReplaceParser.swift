import Foundation

/// Aider-style edits in plain text, for models without tool calls (and accepted from any model):
///
/// ```
/// path/to/file.py
/// <<<<<<< SEARCH
/// old lines
/// =======
/// new lines
/// >>>>>>> REPLACE
/// ```
/// The file name is the last non-empty line before the block (a fenced code block's opening line is skipped).
public enum SearchReplaceParser {
    /// The edits in `text`, in order, and the blocks that could not be read (told to the model).
    public static func parse(_ text: String) -> (edits: [ExactEdit], problems: [String]) {
        var edits: [ExactEdit] = []
        var problems: [String] = []
        let lines = text.components(separatedBy: "\n")
        var index = 0
        var lastPath: String?
        while index < lines.count {
            let line = lines[index]
            guard isMarker(line, "<<<<<<<", "SEARCH") else {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty, !trimmed.hasPrefix("```"), looksLikePath(trimmed) { lastPath = cleanPath(trimmed) }
                index += 1
                continue
            }
            guard let path = lastPath else {
                problems.append("A SEARCH block at line \(index + 1) has no file name on the line before it.")
                index += 1
                continue
            }
            var search: [String] = []
            var replacement: [String] = []
            var cursor = index + 1
            while cursor < lines.count, !isMarker(lines[cursor], "=======", nil) { search.append(lines[cursor]); cursor += 1 }
            cursor += 1
            while cursor < lines.count, !isMarker(lines[cursor], ">>>>>>>", "REPLACE") { replacement.append(lines[cursor]); cursor += 1 }
            guard cursor < lines.count else {
                problems.append("The SEARCH block for \(path) at line \(index + 1) is not closed with >>>>>>> REPLACE.")
                break
            }
            edits.append(ExactEdit(path: path, search: search.joined(separator: "\n"), replacement: replacement.joined(separator: "\n")))
            index = cursor + 1
        }
        return (edits, problems)
    }

    private static func isMarker(_ line: String, _ prefix: String, _ word: String?) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(prefix) else { return false }
        guard let word else { return trimmed == prefix }
        return trimmed.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces) == word
    }

    private static func looksLikePath(_ text: String) -> Bool {
        let cleaned = cleanPath(text)
        return !cleaned.isEmpty && !cleaned.contains(" ") && (cleaned.contains(".") || cleaned.contains("/"))
    }

    private static func cleanPath(_ text: String) -> String {
        text.trimmingCharacters(in: CharacterSet(charactersIn: "`*:# ")).trimmingCharacters(in: .whitespaces)
    }
}
