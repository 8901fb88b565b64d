/// Path globs as in `.gitignore`-style policies: `*` within a segment, `**` across segments, `?` one character.
enum Glob {
    static func matches(_ pattern: String, _ path: String) -> Bool {
        match(Array(pattern.split(separator: "/", omittingEmptySubsequences: true)),
              Array(path.split(separator: "/", omittingEmptySubsequences: true)))
    }

    private static func match(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" {
            let rest = Array(pattern.dropFirst())
            for start in 0...path.count where match(rest, Array(path[start...])) { return true }
            return false
        }
        guard let segment = path.first, matchSegment(Array(head), Array(segment)) else { return false }
        return match(Array(pattern.dropFirst()), Array(path.dropFirst()))
    }

    private static func matchSegment(_ pattern: [Character], _ text: [Character]) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case "*":
            for start in 0...text.count where matchSegment(Array(pattern.dropFirst()), Array(text[start...])) { return true }
            return false
        case "?":
            return !text.isEmpty && matchSegment(Array(pattern.dropFirst()), Array(text.dropFirst()))
        default:
            return text.first == first && matchSegment(Array(pattern.dropFirst()), Array(text.dropFirst()))
        }
    }
}
