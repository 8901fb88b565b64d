import FixloopCore
import FixloopPrompts
import Foundation

/// One attempt at a fix: the model edits through tools or SEARCH/REPLACE blocks, Fixloop runs the tests and
/// feeds back what matters, until the change passes or a limit is reached.
public struct EditLoop: Sendable {
    public let model: any ModelClient
    public let tools: EngineerTools
    public let prompts: PromptLibrary
    public let settings: EngineerSettings
    public let trajectory: Trajectory
    /// Offer tools (models with tool calls) or ask for SEARCH/REPLACE blocks only.
    public let usesTools: Bool
    public let deadline: ContinuousClock.Instant

    /// What must hold for the change to count: tests (reproduction passes, nothing that passed fails) and policy.
    public struct Acceptance: Sendable {
        public var check: @Sendable (TestRun) async throws -> [String]
        public init(check: @escaping @Sendable (TestRun) async throws -> [String]) { self.check = check }
    }

    public enum Ending: Sendable, Equatable {
        case fixed(rootCause: String, summary: String)
        case gaveUp(reason: String)
    }

    public struct Result: Sendable {
        public var ending: Ending
        public var turns: Int
        public var tokens: Int
        public var lastRun: TestRun?
    }

    private struct State {
        var messages: [ChatMessage]
        var turns = 0
        var tokens = 0
        var formatErrors = 0
        var recent: [String] = []
        var lastRun: TestRun?
    }

    public func run(system: String, task: String, workspace: URL, acceptance: Acceptance, step: FixStep) async throws -> Result {
        var state = State(messages: [.system(system), .user(task)])
        while true {
            try Task.checkCancellation()
            if let reason = limitReached(state) { return finish(state, .gaveUp(reason: reason)) }
            let request = ModelRequest(messages: state.messages, tools: usesTools ? EngineerTools.definitions : [])
            let outcome = try await model.send(request)
            guard case .reply(let reply) = outcome else {
                if case .refused(let refusal) = outcome { return finish(state, .gaveUp(reason: "budget: \(refusal)")) }
                return finish(state, .gaveUp(reason: "the model call was refused"))
            }
            state.turns += 1  // a call the budget refused is not a turn
            state.tokens += reply.usage.totalTokens
            await trajectory.record(step, "model_reply", describe(reply.message))
            state.messages.append(reply.message)
            state.recent.append(actionKey(reply.message))
            if state.recent.count >= settings.stuckRepeats, Set(state.recent.suffix(settings.stuckRepeats)).count == 1 {
                return finish(state, .gaveUp(reason: "stuck: the model repeated the same action \(settings.stuckRepeats) times"))
            }
            var edited = false
            var submission: (String, String)?
            for call in reply.message.toolCalls {
                let result = try await tools.execute(call, workspace: workspace)
                await trajectory.record(step, "tool_\(call.name)", "\(call.argumentsText)\n→ \(result.text)")
                state.messages.append(.toolResult(id: call.id, result.text))
                edited = edited || result.edited
                if let run = result.testRun { state.lastRun = run }
                if let submitted = result.submission { submission = submitted }
            }
            let parsed = SearchReplaceParser.parse(reply.message.content)
            var notes: [String] = parsed.problems
            for edit in parsed.edits {
                let outcome = edit.apply(in: tools.files)
                await trajectory.record(step, "edit", "\(edit.path): \(outcome.feedback)")
                notes.append(outcome.feedback)
                edited = edited || outcome.succeeded
            }
            if submission == nil, let textual = Self.textSubmission(reply.message.content), !usesTools || reply.message.toolCalls.isEmpty {
                submission = textual
            }
            if reply.message.toolCalls.isEmpty && parsed.edits.isEmpty && submission == nil {
                state.formatErrors += 1
                if state.formatErrors >= settings.maxFormatErrors {
                    return finish(state, .gaveUp(reason: "format: \(state.formatErrors) replies had neither a tool call nor an edit"))
                }
                notes.append(usesTools
                    ? "Use the tools to read, edit and test; call submit when the tests pass."
                    : "Reply with SEARCH/REPLACE blocks, each after the file's path on its own line.")
            }
            guard edited || submission != nil else {
                if !notes.isEmpty { state.messages.append(.user(notes.joined(separator: "\n"))) }
                continue
            }
            let run = try await tools.tests.runTests(in: workspace)
            state.lastRun = run
            let problems = try await acceptance.check(run)
            await trajectory.record(step, "tests", "\(run.summary)\(problems.isEmpty ? "" : "\n" + problems.joined(separator: "\n"))")
            if problems.isEmpty, let (rootCause, summary) = submission {
                return finish(state, .fixed(rootCause: rootCause, summary: summary))
            }
            notes.append(try feedback(run, problems: problems, submitted: submission != nil))
            state.messages.append(.user(notes.joined(separator: "\n\n")))
        }
    }

    private func limitReached(_ state: State) -> String? {
        if state.turns >= settings.maxTurns { return "turns: the limit of \(settings.maxTurns) turns was reached" }
        if let maxTokens = settings.maxTokens, state.tokens >= maxTokens { return "tokens: \(state.tokens) tokens used, the limit is \(maxTokens)" }
        if ContinuousClock.now >= deadline { return "time: the run's wall-clock limit was reached" }
        return nil
    }

    private func finish(_ state: State, _ ending: Ending) -> Result {
        Result(ending: ending, turns: state.turns, tokens: state.tokens, lastRun: state.lastRun)
    }

    private func feedback(_ run: TestRun, problems: [String], submitted: Bool) throws -> String {
        let passed = problems.isEmpty
        var text = try prompts.render(TestFeedbackPrompt(
            summary: run.summary, failures: run.failing, output: passed ? "" : run.output,
            elided: run.sandbox.standardOutput.elidedBytes + run.sandbox.standardError.elidedBytes, passed: passed)).text
        if !problems.isEmpty { text += "\nStill wrong:\n" + problems.map { "- \($0)" }.joined(separator: "\n") }
        if passed && !submitted {
            text += usesTools ? "\nCall submit with the root cause and a summary." : "\nReply with ROOT CAUSE: and SUMMARY: lines."
        }
        return text
    }

    /// `ROOT CAUSE:` and `SUMMARY:` lines in a plain-text reply.
    static func textSubmission(_ text: String) -> (String, String)? {
        var rootCause: String?
        var summary: String?
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.uppercased().hasPrefix("ROOT CAUSE:") { rootCause = String(trimmed.dropFirst(11)).trimmingCharacters(in: .whitespaces) }
            if trimmed.uppercased().hasPrefix("SUMMARY:") { summary = String(trimmed.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
        }
        guard let rootCause, !rootCause.isEmpty else { return nil }
        return (rootCause, summary ?? "")
    }

    private func actionKey(_ message: ChatMessage) -> String {
        message.toolCalls.isEmpty ? "text:" + message.content : message.toolCalls.map { "\($0.name):\($0.argumentsText)" }.joined(separator: "|")
    }

    private func describe(_ message: ChatMessage) -> String {
        let calls = message.toolCalls.map { "\($0.name)(\($0.argumentsText))" }.joined(separator: ", ")
        return message.content + (calls.isEmpty ? "" : "\n[calls: \(calls)]")
    }
}
