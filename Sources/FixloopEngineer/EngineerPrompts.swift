import FixloopCore
import FixloopPrompts
import Foundation

/// `prompts/engineer/system.mustache`: the engineer's standing instructions, with the edit format's own.
public struct EngineerSystemPrompt: PromptContext, Equatable {
    public static let templateName = "engineer/system"
    public var formatInstructions: String
    public var submitRule: String
    public var maxTurns: Int
    public var hasBudget: Bool
    public var budget: String

    /// - Parameters:
    ///   - format: how the model edits (``EditFormat/instructions``) and submits (``EditFormat/submitRule``).
    ///   - maxTurns: the turn limit.
    ///   - budget: the spend limit as text, if there is one.
    public init(format: any EditFormat, maxTurns: Int, budget: String?) {
        formatInstructions = format.instructions
        submitRule = format.submitRule
        self.maxTurns = maxTurns
        hasBudget = budget != nil
        self.budget = budget ?? ""
    }
}

/// `prompts/engineer/task.mustache`: the ticket, the baseline, the reproduction and the ranked files.
public struct EngineerTaskPrompt: PromptContext, Equatable {
    public static let templateName = "engineer/task"

    public struct Candidate: Codable, Sendable, Equatable {
        public var path: String
        public var reasons: String
        public var hasSymbols: Bool
        public var symbols: String
    }

    /// One comment of the ticket's conversation, its markers made harmless.
    public struct Comment: Codable, Sendable, Equatable {
        public var author: String
        public var isWriter: Bool
        public var body: String
    }

    /// The most comments shown (the last ones) and the most characters of each.
    public static let conversationLimit = 30
    public static let commentLimit = 4000

    public var ticketReference: String
    public var ticketTitle: String
    public var ticketBody: String
    public var hasRequest: Bool
    public var requestText: String
    public var hasConversation: Bool
    public var conversation: [Comment]
    public var conversationCut: Bool
    public var conversationLimit: Int
    public var hasEvidence: Bool
    public var evidence: [String]
    public var testCommand: String
    public var baselineSummary: String
    public var hasReproduction: Bool
    public var reproductionTest: String
    public var candidates: [Candidate]
    public var files: String
    /// The repository's own instructions for agents (``RepositoryInstructions``), shown as its untrusted text.
    public var hasInstructions: Bool
    public var instructionsFile: String
    public var instructions: String
    public var instructionsCut: Bool
    public var instructionsLimitKiB: Int

    public init(
        ticket: Ticket, testCommand: String, baselineSummary: String, reproductionTest: String?,
        localization: Localization, files: [String], instructions: RepositoryInstructions? = nil
    ) {
        hasInstructions = instructions != nil
        instructionsFile = instructions?.file ?? ""
        self.instructions = instructions?.text ?? ""
        instructionsCut = instructions?.cut ?? false
        instructionsLimitKiB = RepositoryInstructions.maxBytes >> 10
        ticketReference = ticket.reference
        ticketTitle = ticket.title
        ticketBody = ticket.body
        hasRequest = ticket.requestText != nil
        requestText = Self.quoted(ticket.requestText ?? "")
        conversation = ticket.conversation.suffix(Self.conversationLimit).map {
            Comment(author: Self.quoted($0.author), isWriter: $0.standing == .writer, body: Self.quoted($0.body))
        }
        hasConversation = !conversation.isEmpty
        conversationCut = ticket.conversation.count > Self.conversationLimit
        conversationLimit = Self.conversationLimit
        evidence = ticket.evidence.filter { !ticket.body.contains($0) }
        hasEvidence = !evidence.isEmpty
        self.testCommand = testCommand
        self.baselineSummary = baselineSummary
        hasReproduction = reproductionTest != nil
        self.reproductionTest = reproductionTest ?? ""
        candidates = localization.candidates.prefix(6).map { candidate in
            let symbols = localization.repositoryMap[candidate.path] ?? []
            return Candidate(path: candidate.path, reasons: candidate.reasons.prefix(3).joined(separator: "; "),
                             hasSymbols: !symbols.isEmpty, symbols: symbols.prefix(8).joined(separator: ", "))
        }
        self.files = files.prefix(200).joined(separator: "\n")
    }
}

extension EngineerTaskPrompt {
    /// Text shown between markers: cut to ``commentLimit`` characters, and `<<<`/`>>>` broken up so that it cannot
    /// close its own marker and pass as Fixloop's words.
    static func quoted(_ text: String) -> String {
        String(text.prefix(commentLimit)).replacingOccurrences(of: "<<<", with: "< < <").replacingOccurrences(of: ">>>", with: "> > >")
    }
}

/// `prompts/engineer/triage.mustache`.
public struct TriagePrompt: PromptContext, Equatable {
    public static let templateName = "engineer/triage"
    public var ticketReference: String
    public var ticketTitle: String
    public var ticketBody: String
    public var labels: String

    public init(ticket: Ticket) {
        ticketReference = ticket.reference
        ticketTitle = ticket.title
        ticketBody = ticket.body
        labels = ticket.labels.isEmpty ? "none" : ticket.labels.joined(separator: ", ")
    }
}

/// `prompts/engineer/reproduce.mustache`.
public struct ReproducePrompt: PromptContext, Equatable {
    public static let templateName = "engineer/reproduce"
    public var ticketTitle: String
    public var ticketBody: String
    public var testCommand: String
    public var testFiles: String
    public var hasSuggestedPath: Bool
    public var suggestedPath: String

    public init(ticket: Ticket, testCommand: String, testFiles: [String], suggestedPath: String?) {
        ticketTitle = ticket.title
        ticketBody = ticket.body
        self.testCommand = testCommand
        self.testFiles = testFiles.isEmpty ? "none" : testFiles.prefix(20).map { "`\($0)`" }.joined(separator: ", ")
        hasSuggestedPath = suggestedPath != nil
        self.suggestedPath = suggestedPath ?? ""
    }
}

/// `prompts/engineer/feedback-tests.mustache`: a test run, trimmed to what matters, for the model.
public struct TestFeedbackPrompt: PromptContext, Equatable {
    public static let templateName = "engineer/feedback-tests"
    public var summary: String
    public var hasFailures: Bool
    public var failures: [String]
    public var hasOutput: Bool
    public var output: String
    public var elided: Int
    public var passed: Bool
    public var hasProblems: Bool
    public var problems: [String]

    /// - Parameters:
    ///   - summary: the run's counts.
    ///   - failures: the failing tests (the first 20 are shown).
    ///   - output: the trimmed output, empty when it is not shown.
    ///   - elided: bytes of output left out.
    ///   - passed: true when the change is acceptable.
    ///   - problems: why the change is not acceptable yet (regressions, policy).
    public init(summary: String, failures: [String], output: String, elided: Int, passed: Bool, problems: [String] = []) {
        self.problems = problems
        hasProblems = !problems.isEmpty
        self.summary = summary
        self.failures = Array(failures.prefix(20))
        hasFailures = !failures.isEmpty
        self.output = output
        hasOutput = !output.isEmpty
        self.elided = elided
        self.passed = passed
    }
}

/// `prompts/engineer/elided-output.mustache`: the line that replaces an old tool output or test log once the
/// conversation passes its token budget.
public struct ElidedOutputPrompt: PromptContext, Equatable {
    public static let templateName = "engineer/elided-output"
    /// The model turn whose output it was (1 for the first reply).
    public var turn: Int

    public init(turn: Int) { self.turn = turn }
}

/// `prompts/engineer/reproduce-again.mustache`: what the model is told when its reproduction test was not usable.
public struct ReproduceAgainPrompt: PromptContext, Equatable {
    public static let templateName = "engineer/reproduce-again"
    /// False when no test file was written at all.
    public var written: Bool
    /// The run's counts when the written test did not fail.
    public var summary: String

    public init(written: Bool, summary: String) {
        self.written = written
        self.summary = summary
    }
}

/// One part of an edit format's model-facing text: the system prompt's instructions and its rule for submitting,
/// the nudge after a reply with no action, or the ask to submit once the tests pass.
public enum EditFormatPart: Sendable, CaseIterable {
    case instructions, submitRule, noAction, askToSubmit
}

/// `prompts/engineer/format-tools.mustache`: the tool-call format's text.
public struct ToolCallFormatPrompt: PromptContext, Equatable {
    public static let templateName = "engineer/format-tools"
    public var instructions: Bool
    public var submitRule: Bool
    public var noAction: Bool
    public var askToSubmit: Bool

    public init(_ part: EditFormatPart) {
        (instructions, submitRule) = (part == .instructions, part == .submitRule)
        (noAction, askToSubmit) = (part == .noAction, part == .askToSubmit)
    }
}

/// `prompts/engineer/format-search-replace.mustache`: the SEARCH/REPLACE format's text.
public struct SearchReplaceFormatPrompt: PromptContext, Equatable {
    public static let templateName = "engineer/format-search-replace"
    public var instructions: Bool
    public var submitRule: Bool
    public var noAction: Bool
    public var askToSubmit: Bool

    public init(_ part: EditFormatPart) {
        (instructions, submitRule) = (part == .instructions, part == .submitRule)
        (noAction, askToSubmit) = (part == .noAction, part == .askToSubmit)
    }
}
