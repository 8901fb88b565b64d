import FixloopCore
import FixloopPrompts
import Foundation

/// `prompts/engineer/revision-reply.mustache`: a revision round's one reply on the pull request — what the round did,
/// then comment by comment what changed or why not. Its first line is the marker naming the comments it answered.
public struct RevisionReply: PromptContext, Equatable {
    public static let templateName = "engineer/revision-reply"

    public struct Answer: Codable, Sendable, Equatable {
        public var subject: String
        public var answer: String
    }

    public var marker: String
    public var headline: String
    public var hasAnswers: Bool
    public var answers: [Answer]
    public var runID: String
    public var cost: String
    public var hasCommit: Bool

    /// - Parameters:
    ///   - summary: the model's submitted summary: one line per comment, `[C<id>] …`, and `[REQUEST] …` for the instructions.
    ///   - answered: whether the comments count as answered (the round pushed a commit or found nothing to change).
    public init(headline: String, comments: [ReviewComment], instructions: String?, summary: String, answered: Bool,
                runID: String, cost: String, commit: String?) {
        marker = ReviewComment.replyMarker(answered: answered ? comments.map(\.id) : [])
        self.headline = headline
        var answers = comments.map { comment in
            Answer(subject: "@\(comment.comment.author) on `\(comment.path)`\(comment.line.map { " line \($0)" } ?? "") (\"\(Self.excerpt(comment.comment.body))\")",
                   answer: Self.line(tagged: "[C\(comment.id)]", in: summary) ?? (answered ? "no separate answer; see the round's change" : "not addressed in this round"))
        }
        if let instructions {
            answers.append(Answer(subject: "the request (\"\(Self.excerpt(instructions))\")",
                                  answer: Self.line(tagged: "[REQUEST]", in: summary) ?? (answered ? "see the round's change" : "not addressed in this round")))
        }
        self.answers = answers
        hasAnswers = !answers.isEmpty
        self.runID = runID
        self.cost = cost
        hasCommit = commit != nil
    }

    /// The rest of the summary's line that begins with `tag`, nil when there is none.
    static func line(tagged tag: String, in summary: String) -> String? {
        for line in summary.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces).drop { $0 == "-" || $0 == "*" || $0 == " " }
            guard trimmed.hasPrefix(tag) else { continue }
            let rest = trimmed.dropFirst(tag.count).trimmingCharacters(in: CharacterSet(charactersIn: " :—-"))
            return rest.isEmpty ? nil : String(rest.prefix(500))
        }
        return nil
    }

    /// The first 80 characters of a comment's first line, quotes and newlines made plain.
    static func excerpt(_ text: String) -> String {
        let first = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let plain = first.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "`", with: "'")
        return plain.count > 80 ? String(plain.prefix(79)) + "…" : plain
    }
}
