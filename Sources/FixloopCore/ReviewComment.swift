/// A review comment on a line of a pull request, as a revision round reads it.
public struct ReviewComment: Sendable, Equatable, Codable {
    public var id: Int
    /// Who wrote it and what their words may be taken as (``TicketComment/Standing``), and the cleaned text.
    public var comment: TicketComment
    /// The file it is on, relative to the repository root.
    public var path: String
    /// The line in the file's new version; nil when the line is no longer in the diff (an outdated comment).
    public var line: Int?
    /// The diff hunk around the line, as GitHub shows it.
    public var diffHunk: String

    public init(id: Int, comment: TicketComment, path: String, line: Int?, diffHunk: String) {
        self.id = id
        self.comment = comment
        self.path = path
        self.line = line
        self.diffHunk = diffHunk
    }
}

extension ReviewComment {
    /// The first line of a revision round's reply: Fixloop's hidden marker naming the review comments the round
    /// answered, so the next round reads only the ones left.
    public static func replyMarker(answered ids: [Int]) -> String {
        "\(TicketComment.fixloopMarker):revision answered=\(ids.map(String.init).joined(separator: ",")) -->"
    }

    /// The review comment ids a reply's marker names; empty for any other comment (and for one not Fixloop's).
    public static func answeredIDs(inReply body: String) -> Set<Int> {
        let prefix = "\(TicketComment.fixloopMarker):revision answered="
        guard let first = body.split(whereSeparator: \.isNewline).first, first.hasPrefix(prefix) else { return [] }
        let list = first.dropFirst(prefix.count).prefix { $0 != " " && $0 != "-" }
        return Set(list.split(separator: ",").compactMap { Int($0) })
    }
}
