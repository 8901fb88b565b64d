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
