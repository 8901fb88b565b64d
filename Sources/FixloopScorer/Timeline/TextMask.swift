/// Keeps personal data and runaway text out of timelines and prompts.
enum TextMask {
    /// `text` on one line, email addresses replaced by `<email>`, cut to `limit` characters with `…`.
    static func masked(_ text: String, limit: Int) -> String {
        var words: [String] = []
        for word in text.split(whereSeparator: \.isWhitespace) {
            if let at = word.firstIndex(of: "@"), word[..<at].contains(where: \.isLetter),
                word[word.index(after: at)...].contains(".") {
                words.append("<email>")
            } else {
                words.append(String(word))
            }
        }
        let joined = words.joined(separator: " ")
        return joined.count > limit ? String(joined.prefix(limit - 1)) + "…" : joined
    }
}
