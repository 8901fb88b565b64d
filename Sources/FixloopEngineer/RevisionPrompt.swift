import FixloopCore
import FixloopPrompts
import Foundation

/// `prompts/engineer/revision.mustache`: a revision round's task — the ticket, the pull request's diff, the review
/// comments to answer with their file, line and hunk, the free instructions, and the tests at the base and the head.
public struct RevisionTaskPrompt: PromptContext, Equatable {
    public static let templateName = "engineer/revision"

    /// One review comment, its markers made harmless.
    public struct Comment: Codable, Sendable, Equatable {
        public var id: Int
        public var path: String
        public var hasLine: Bool
        public var line: Int
        public var hunk: String
        public var author: String
        public var isWriter: Bool
        public var body: String
    }

    /// The most characters of the current diff shown.
    public static let diffLimit = 24_000

    public var pullRequest: String
    public var ticketReference: String
    public var ticketTitle: String
    public var ticketBody: String
    public var currentDiff: String
    public var diffCut: Bool
    public var diffLimit: Int
    public var hasInstructions: Bool
    public var instructions: String
    public var hasComments: Bool
    public var comments: [Comment]
    public var exampleID: Int
    public var testCommand: String
    public var baseSummary: String
    public var headSummary: String
    public var hasReproduction: Bool
    public var reproductionTests: String
    public var files: String

    public init(task: RevisionTask, currentDiff: String, testCommand: String, baseSummary: String, headSummary: String,
                reproduction: [String], files: [String]) {
        pullRequest = task.pullRequest
        ticketReference = task.ticket.reference
        ticketTitle = task.ticket.title
        ticketBody = task.ticket.body
        self.currentDiff = String(currentDiff.prefix(Self.diffLimit))
        diffCut = currentDiff.count > Self.diffLimit
        diffLimit = Self.diffLimit
        hasInstructions = task.instructions != nil
        instructions = EngineerTaskPrompt.quoted(task.instructions ?? "")
        comments = task.comments.map { comment in
            Comment(id: comment.id, path: comment.path, hasLine: comment.line != nil, line: comment.line ?? 0,
                    hunk: EngineerTaskPrompt.quoted(String(comment.diffHunk.suffix(1_500))), author: EngineerTaskPrompt.quoted(comment.comment.author),
                    isWriter: comment.comment.standing == .writer, body: EngineerTaskPrompt.quoted(comment.comment.body))
        }
        hasComments = !comments.isEmpty
        exampleID = task.comments.first?.id ?? 1
        self.testCommand = testCommand
        self.baseSummary = baseSummary
        self.headSummary = headSummary
        hasReproduction = !reproduction.isEmpty
        reproductionTests = reproduction.joined(separator: "`, `")
        self.files = files.prefix(200).joined(separator: "\n")
    }
}
