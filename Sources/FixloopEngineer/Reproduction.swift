import FixloopCore
import FixloopGit
import FixloopPrompts
import Foundation

/// Finds the test that shows the bug: one the ticket names that fails at the baseline, or one the model writes
/// that fails at the baseline (kept only then).
struct Reproduction {
    let model: any ModelClient
    let prompts: PromptLibrary
    let tests: SandboxedTests
    let trajectory: Trajectory

    struct Found: Sendable {
        var tests: Set<String>
        var written: Bool
    }

    func find(ticket: Ticket, baseline: Baseline, workspace: URL) async throws -> Found {
        let named = baseline.run.failing.filter { id in Self.mentions(ticket.fullText, id) }
        if !named.isEmpty {
            await trajectory.record(.reproduce, "named", named.joined(separator: ", "))
            try RunLeftovers.exclude(in: workspace, extra: [])
            return Found(tests: Set(named), written: false)
        }
        let existingTests = Localizer.readFiles(in: workspace).keys.filter { TestLines.isTestFile($0) }.sorted()
        let prompt = try prompts.render(ReproducePrompt(
            ticket: ticket, testCommand: tests.testCommand, testFiles: existingTests,
            suggestedPath: Self.suggestedPath(existing: existingTests))).text
        var messages: [ChatMessage] = [.user(prompt)]
        for attempt in 1...2 {
            guard case .reply(let reply) = try await model.send(ModelRequest(messages: messages)) else { break }
            await trajectory.record(.reproduce, "model_reply", reply.message.content)
            messages.append(reply.message)
            let edits = SearchReplaceParser.parse(reply.message.content).edits.filter { TestLines.isTestFile($0.path) }
            let files = WorkspaceFiles(root: workspace)
            let written = edits.filter { $0.apply(in: files).succeeded }.map(\.path)
            guard !written.isEmpty else {
                messages.append(.user(try prompts.render(ReproduceAgainPrompt(written: false, summary: "")).text))
                continue
            }
            let run = try await tests.runTests(in: workspace)
            let newFailures = Set(run.failing).subtracting(baseline.run.failing)
                .filter { id in baseline.run.results.outcome(of: id) == .missing }
            await trajectory.record(.reproduce, "attempt \(attempt)", "\(run.summary); new failures: \(newFailures.sorted().joined(separator: ", "))")
            if !newFailures.isEmpty {
                try RunLeftovers.exclude(in: workspace, extra: [])
                return Found(tests: newFailures, written: true)
            }
            for path in written { try? FileManager.default.removeItem(at: try files.resolve(path)) }
            messages.append(.user(try prompts.render(ReproduceAgainPrompt(written: true, summary: run.summary)).text))
        }
        try RunLeftovers.exclude(in: workspace, extra: [])
        return Found(tests: [], written: false)
    }

    /// True when the text names the test: its full id or its function name.
    static func mentions(_ text: String, _ id: String) -> Bool {
        if text.contains(id) { return true }
        let withoutArguments = id.split(separator: "(").first.map(String.init) ?? id
        let name = withoutArguments.split(whereSeparator: { "/:.".contains($0) }).last.map(String.init) ?? id
        // `test_total[case]`, `divides()`, `testDivides(_:)`: the name without parameters or arguments.
        let bare = name.split(whereSeparator: { $0 == "[" || $0 == "(" }).first.map(String.init) ?? name
        return bare.count >= 6 && text.contains(bare)
    }

    static func suggestedPath(existing: [String]) -> String? {
        guard let first = existing.first else { return nil }
        let folder = (first as NSString).deletingLastPathComponent
        let ext = (first as NSString).pathExtension
        if ext == "py" { return (folder.isEmpty ? "" : folder + "/") + "test_fixloop_reproduction.py" }
        if ext == "swift" { return (folder.isEmpty ? "" : folder + "/") + "FixloopReproductionTests.swift" }
        return nil
    }
}
