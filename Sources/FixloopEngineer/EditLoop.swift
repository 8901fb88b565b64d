import FixloopCore
import FixloopPrompts
import Foundation

/// One attempt at a fix: the model edits in its ``EditFormat``, Fixloop runs the tests and feeds back what
/// matters, until the change passes or a limit is reached.
public struct EditLoop: Sendable {
    public let model: any ModelClient
    public let tools: EngineerTools
    /// How the model edits and submits (tool calls or SEARCH/REPLACE blocks).
    public let format: any EditFormat
    public let prompts: PromptLibrary
    public let settings: EngineerSettings
    public let trajectory: Trajectory
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

    /// What one reply's actions did.
    private struct Turn {
        var edited = false
        var submission: EditSubmission?
        var notes: [String] = []
    }

    public func run(system: String, task: String, workspace: URL, acceptance: Acceptance, step: FixStep) async throws -> Result {
        var state = State(messages: [.system(system), .user(task)])
        let budget = ContextBudget(contextTokens: settings.contextTokens)
        while true {
            try Task.checkCancellation()
            if let reason = limitReached(state) { return finish(state, .gaveUp(reason: reason)) }
            state.messages = try budget.fit(state.messages, tools: format.tools) { try prompts.render(ElidedOutputPrompt(turn: $0)).text }
            let outcome = try await model.send(ModelRequest(messages: state.messages, tools: format.tools))
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
            let actions = format.actions(in: reply.message)
            var turn = try await perform(actions, workspace: workspace, step: step, state: &state)
            if actions.isEmpty {
                state.formatErrors += 1
                if state.formatErrors >= settings.maxFormatErrors {
                    return finish(state, .gaveUp(reason: "format: \(state.formatErrors) replies had neither a tool call nor an edit"))
                }
                turn.notes.append(format.noActionNudge)
            }
            guard turn.edited || turn.submission != nil else {
                if !turn.notes.isEmpty { state.messages.append(.user(turn.notes.joined(separator: "\n"))) }
                continue
            }
            let (run, reused) = try await tools.testRun(in: workspace)
            state.lastRun = run
            let problems = try await acceptance.check(run)
            await trajectory.record(step, "tests", "\(reused ? "(unchanged tree, last run reused) " : "")\(run.summary)\(problems.isEmpty ? "" : "\n" + problems.joined(separator: "\n"))")
            if problems.isEmpty, let submission = turn.submission {
                return finish(state, .fixed(rootCause: submission.rootCause, summary: submission.summary))
            }
            turn.notes.append(try feedback(run, problems: problems, submitted: turn.submission != nil))
            state.messages.append(.user(turn.notes.joined(separator: "\n\n")))
        }
    }

    /// Runs the tool calls (each answered with its result), then applies the edits.
    private func perform(_ actions: EditActions, workspace: URL, step: FixStep, state: inout State) async throws -> Turn {
        var turn = Turn(submission: actions.submission, notes: actions.problems)
        for call in actions.toolCalls {
            let result = try await tools.execute(call, workspace: workspace)
            await trajectory.record(step, "tool_\(call.name)", "\(call.argumentsText)\n→ \(result.text)")
            state.messages.append(.toolResult(id: call.id, result.text))
            turn.edited = turn.edited || result.edited
            if let run = result.testRun { state.lastRun = run }
            if let submitted = result.submission { turn.submission = EditSubmission(rootCause: submitted.rootCause, summary: submitted.summary) }
        }
        for edit in actions.edits {
            let outcome = edit.apply(in: tools.files)
            await trajectory.record(step, "edit", "\(edit.path): \(outcome.feedback)")
            turn.notes.append(outcome.feedback)
            turn.edited = turn.edited || outcome.succeeded
        }
        return turn
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

    /// The test run as the model should see it, what is still wrong, and the ask to submit once it passes.
    private func feedback(_ run: TestRun, problems: [String], submitted: Bool) throws -> String {
        let passed = problems.isEmpty
        let text = try prompts.render(TestFeedbackPrompt(
            summary: run.summary, failures: run.failing, output: passed ? "" : run.output,
            elided: run.sandbox.standardOutput.elidedBytes + run.sandbox.standardError.elidedBytes, passed: passed,
            problems: problems)).text
        return passed && !submitted ? text + format.askToSubmit : text
    }

    private func actionKey(_ message: ChatMessage) -> String {
        message.toolCalls.isEmpty ? "text:" + message.content : message.toolCalls.map { "\($0.name):\($0.argumentsText)" }.joined(separator: "|")
    }

    private func describe(_ message: ChatMessage) -> String {
        let calls = message.toolCalls.map { "\($0.name)(\($0.argumentsText))" }.joined(separator: ", ")
        return message.content + (calls.isEmpty ? "" : "\n[calls: \(calls)]")
    }
}
