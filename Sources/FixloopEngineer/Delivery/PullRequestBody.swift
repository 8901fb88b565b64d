import FixloopPrompts

/// The draft pull request's body: the closing keyword and ticket link, the users the bug hurt, root cause, change,
/// before/after tests, reproduction, model, cost, and one command to re-verify. Rendered from `prompts/engineer/pull-request.mustache`.
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

    /// Who the bug hurt, from the planner's pattern behind the ticket (rendered once, or not at all).
    public struct Impact: Codable, Sendable, Equatable {
        public var sessions: Int
        public var users: Int
        /// `12%`.
        public var share: String
        public var route: String
        /// `2.1`, and the period's `7.4`.
        public var meanScore: String
        public var baselineScore: String
        /// `2025-06-02`.
        public var firstSeen: String
        public var lastSeen: String
        /// Up to five session ids.
        public var examples: [String]

        public init(sessions: Int, users: Int, share: String, route: String, meanScore: String, baselineScore: String,
                    firstSeen: String, lastSeen: String, examples: [String]) {
            self.sessions = sessions
            self.users = users
            self.share = share
            self.route = route
            self.meanScore = meanScore
            self.baselineScore = baselineScore
            self.firstSeen = firstSeen
            self.lastSeen = lastSeen
            self.examples = examples
        }
    }

    /// `Fixes #12`, `Fixes owner/repo#12`, `Fixes ENG-42` (GitHub's and Linear's closing keywords), or
    /// `Ticket: local:3` for a ticket nothing closes.
    public var closingLine: String
    public var ticketLink: String
    public var ticketTitle: String
    /// Two sentences.
    public var rootCause: String
    public var changeSummary: String
    public var files: [File]
    public var tests: [TestRow]
    /// The rows left out of `tests` (shown as "and N more").
    public var moreTests: Int
    public var hasMoreTests: Bool
    public var hasReproduction: Bool
    public var reproductionTest: String
    /// `gpt-4o-mini (openai)`; empty when not told.
    public var model: String
    public var hasModel: Bool
    /// Empty or one impact.
    public var impact: [Impact]
    public var cost: String
    public var reverifyCommand: String
    public var runID: String
    /// The login of the person who asked for the fix (the PR bot's trigger); empty when nobody in particular did.
    public var requester: String
    public var hasRequester: Bool

    public init(
        ticketLink: String, ticketTitle: String, rootCause: String, changeSummary: String, files: [File], tests: [TestRow],
        reproductionTest: String?, cost: String, reverifyCommand: String, runID: String, closingLine: String? = nil,
        moreTests: Int = 0, model: String = "", impact: Impact? = nil, requester: String? = nil
    ) {
        self.requester = requester ?? ""
        self.hasRequester = requester != nil
        self.closingLine = closingLine ?? "Ticket: \(ticketLink)"
        self.moreTests = moreTests
        self.hasMoreTests = moreTests > 0
        self.model = model
        self.hasModel = !model.isEmpty
        self.impact = impact.map { [$0] } ?? []
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
