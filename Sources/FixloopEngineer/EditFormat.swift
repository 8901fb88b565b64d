import FixloopCore
import FixloopPrompts

/// How the model proposes edits and submits a fix: what a request offers, how a reply becomes actions, and the
/// text that tells the model what to do. ``EditLoop`` is given one and does not know which.
///
/// Two formats: ``ToolCallEditFormat`` (models with tool calls) and ``SearchReplaceEditFormat`` (any model).
public protocol EditFormat: Sendable {
    /// The tools each request offers; none for a text-only format.
    var tools: [ToolDefinition] { get }
    /// The actions in a reply, in order.
    func actions(in reply: ChatMessage) -> EditActions
    /// The system prompt's part about this format (`formatInstructions`).
    var instructions: String { get }
    /// The system prompt's rule for submitting once the tests pass (`submitRule`).
    var submitRule: String { get }
    /// What the model is told after a reply with no action.
    var noActionNudge: String { get }
    /// What the model is told when the tests pass but it has not submitted.
    var askToSubmit: String { get }
}

/// What a reply asks for: tool calls to run, edits to apply, blocks that could not be read, a submission.
public struct EditActions: Sendable, Equatable {
    public var toolCalls: [ToolCall]
    public var edits: [ExactEdit]
    /// Blocks that could not be read, told to the model.
    public var problems: [String]
    /// A submission written in the reply's text (a `submit` tool call submits when it runs).
    public var submission: EditSubmission?

    public init(toolCalls: [ToolCall] = [], edits: [ExactEdit] = [], problems: [String] = [], submission: EditSubmission? = nil) {
        self.toolCalls = toolCalls
        self.edits = edits
        self.problems = problems
        self.submission = submission
    }

    /// True when the reply asked for nothing: a format error.
    public var isEmpty: Bool { toolCalls.isEmpty && edits.isEmpty && submission == nil }
}

/// The model's claim that the change is done, and why it was needed.
public struct EditSubmission: Sendable, Equatable {
    public var rootCause: String
    public var summary: String

    public init(rootCause: String, summary: String) {
        self.rootCause = rootCause
        self.summary = summary
    }

    /// `ROOT CAUSE:` and `SUMMARY:` lines in a plain-text reply; nil without a root cause.
    public static func parse(_ text: String) -> EditSubmission? {
        var rootCause: String?
        var summary: String?
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.uppercased().hasPrefix("ROOT CAUSE:") { rootCause = String(trimmed.dropFirst(11)).trimmingCharacters(in: .whitespaces) }
            if trimmed.uppercased().hasPrefix("SUMMARY:") { summary = String(trimmed.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
        }
        guard let rootCause, !rootCause.isEmpty else { return nil }
        return EditSubmission(rootCause: rootCause, summary: summary ?? "")
    }
}

/// Tool calls (``EngineerTools``), with SEARCH/REPLACE blocks in the text applied too (models mix them) and a
/// written submission taken only from a reply without tool calls.
public struct ToolCallEditFormat: EditFormat {
    public let tools: [ToolDefinition]
    public let instructions: String
    public let submitRule: String
    public let noActionNudge: String
    public let askToSubmit: String

    /// - Throws: ``PromptError`` when `prompts/engineer/format-tools.mustache` does not render.
    public init(prompts: PromptLibrary) throws {
        tools = try EngineerTools.definitions(prompts: prompts)
        func text(_ part: EditFormatPart) throws -> String { try prompts.render(ToolCallFormatPrompt(part)).text.trimmed }
        (instructions, submitRule) = (try text(.instructions), try text(.submitRule))
        (noActionNudge, askToSubmit) = (try text(.noAction), try text(.askToSubmit))
    }

    public func actions(in reply: ChatMessage) -> EditActions {
        let parsed = SearchReplaceParser.parse(reply.content)
        let written = reply.toolCalls.isEmpty ? EditSubmission.parse(reply.content) : nil
        return EditActions(toolCalls: reply.toolCalls, edits: parsed.edits, problems: parsed.problems, submission: written)
    }
}

/// SEARCH/REPLACE blocks after the file's path, and `ROOT CAUSE:`/`SUMMARY:` lines to submit; no tools.
public struct SearchReplaceEditFormat: EditFormat {
    public var tools: [ToolDefinition] { [] }
    public let instructions: String
    public let submitRule: String
    public let noActionNudge: String
    public let askToSubmit: String

    /// - Throws: ``PromptError`` when `prompts/engineer/format-search-replace.mustache` does not render.
    public init(prompts: PromptLibrary) throws {
        func text(_ part: EditFormatPart) throws -> String { try prompts.render(SearchReplaceFormatPrompt(part)).text.trimmed }
        (instructions, submitRule) = (try text(.instructions), try text(.submitRule))
        (noActionNudge, askToSubmit) = (try text(.noAction), try text(.askToSubmit))
    }

    public func actions(in reply: ChatMessage) -> EditActions {
        let parsed = SearchReplaceParser.parse(reply.content)
        return EditActions(edits: parsed.edits, problems: parsed.problems, submission: EditSubmission.parse(reply.content))
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
