import Foundation

/// Cleans ticket text that strangers can write: hidden HTML comments and zero-width characters are removed
/// (they can carry instructions a reviewer never sees), and fenced code blocks are pulled out as evidence.
public enum TicketText {
    private static let invisible: Set<Unicode.Scalar> = ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}", "\u{202E}", "\u{202D}"]

    public static func clean(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<!--") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "-->") else { rest = ""; break }
            rest = rest[close.upperBound...]
        }
        result += rest
        return String(String.UnicodeScalarView(result.unicodeScalars.filter { !invisible.contains($0) }))
    }

    /// The contents of fenced code blocks.
    public static func codeBlocks(in text: String) -> [String] {
        var blocks: [String] = []
        var current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                if let block = current { blocks.append(block.joined(separator: "\n")); current = nil } else { current = [] }
            } else {
                current?.append(String(line))
            }
        }
        return blocks.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }
}
