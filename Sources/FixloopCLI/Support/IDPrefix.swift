/// A unique prefix of an id stands for the whole id, wherever a command asks for one (the review prints session ids
/// cut short; run ids are long). An ambiguous prefix is refused with the candidates.
enum IDPrefix {
    /// The one id among `candidates` (the ids starting with `text`), `text` itself when it is one of them.
    /// - Parameters:
    ///   - text: what the user wrote.
    ///   - kind: what the id names ("session", "run"), for the error text.
    ///   - candidates: the stored ids that begin with `text`, sorted (a few more than are shown suffice).
    ///   - listCommand: the command that prints them, for the error text.
    /// - Returns: the full id, or nil when none matches.
    /// - Throws: ``CommandError`` `cli.ambiguous_id` when several match.
    static func resolve(_ text: String, kind: String, candidates: [String], listCommand: String) throws -> String? {
        if candidates.contains(text) { return text }
        guard candidates.count > 1 else { return candidates.first }
        let shown = candidates.prefix(10).joined(separator: ", ") + (candidates.count > 10 ? ", …" : "")
        throw CommandError(code: "cli.ambiguous_id",
                           message: "The \(kind) id prefix '\(text)' matches \(candidates.count > 10 ? "more than 10" : "\(candidates.count)") \(kind)s (\(shown)); write more of it, as \(listCommand) prints it.")
    }
}
