import FixloopPrompts

/// The draft pull request's body: ticket link, root cause, change, before/after tests, reproduction, cost,
/// and one command to re-verify. Rendered from `prompts/engineer/pull-request.mustache`.
public struct PullRequestBody: PromptContext, Equatable {
    public static let templateName = "engineer/pull-request"

    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var additions: Int
        public var deletions: Int
        public init(path: String, additions: Int, deletions: Int) {
            self.path = path
            self.additions = additions
            self.deletions = deletions
        }
    }

    public struct TestRow: Codable, Sendable, Equatable {
        public var id: String
        public var before: String
        public var after: String
        public init(id: String, before: String, after: String) {
            self.id = id
            self.before = before
            self.after = after
        }
    }

    public var ticketLink: String
    public var ticketTitle: String
    /// Two sentences.
    public var rootCause: String
    public var changeSummary: String
    public var files: [File]
    public var tests: [TestRow]
    public var hasReproduction: Bool
    public var reproductionTest: String
    public var cost: String
    public var reverifyCommand: String
    public var runID: String

    public init(
        ticketLink: String, ticketTitle: String, rootCause: String, changeSummary: String, files: [File], tests: [TestRow],
        reproductionTest: String?, cost: String, reverifyCommand: String, runID: String
    ) {
        self.ticketLink = ticketLink
        self.ticketTitle = ticketTitle
        self.rootCause = rootCause
        self.changeSummary = changeSummary
        self.files = files
        self.tests = tests
        self.hasReproduction = reproductionTest != nil
        self.reproductionTest = reproductionTest ?? ""
        self.cost = cost
        self.reverifyCommand = reverifyCommand
        self.runID = runID
    }
}
