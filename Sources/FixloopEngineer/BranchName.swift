import FixloopCore

/// Fixloop's branch for a ticket: `fixloop/<ticket key>-<slug of the title>`, the same on every run of the ticket,
/// so a rerun updates the branch and its pull request instead of opening another.
public enum BranchName {
    /// - Parameters:
    ///   - ticket: the ticket's reference.
    ///   - title: the ticket's title.
    public static func make(for ticket: TicketReference, title: String) -> String {
        let key = sanitize(ticket.slugKey, limit: 40)
        let slug = sanitize(title, limit: 40)
        return "fixloop/" + (slug.isEmpty ? key : "\(key)-\(slug)")
    }

    static func sanitize(_ text: String, limit: Int) -> String {
        var result = ""
        var lastWasDash = false
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                result.append(character)
                lastWasDash = false
            } else if !lastWasDash && !result.isEmpty {
                result.append("-")
                lastWasDash = true
            }
            if result.count >= limit { break }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result
    }
}
