import FixloopCore

/// The lines `fixloop fix` writes to standard error while it works: the run id first, then one line per step —
/// triage, setup, baseline, reproduction, localization, each model turn and test run, verification, delivery.
/// Standard output keeps only the result (the summary, or the JSON under `--json`).
enum FixProgress {
    /// The first line.
    static func started(_ runID: String) -> String { "fix: run \(runID) (fixloop show \(runID) for every step)" }

    /// The line for one trajectory event, or nil for events that are details of a step already shown.
    static func line(_ step: FixStep, kind: String, detail: String) -> String? {
        let first = detail.split(separator: "\n", omittingEmptySubsequences: true).first.map { String($0.prefix(140)) } ?? ""
        let text: String
        switch (step, kind) {
        case (.run, _), (.candidate, "edit"): return nil
        case (.candidate, let kind) where kind.hasPrefix("tool_") && kind != "tool_run_tests": return nil
        case (_, "model_reply"): text = "model turn"
        case (.candidate, "tests"), (.candidate, "tool_run_tests"): text = "tests: \(first)"
        case (.localize, _): text = "most likely: \(first)"
        default: text = first.isEmpty ? kind : "\(kind): \(first)"
        }
        return "fix: \(step) · \(text)"
    }
}

/// Writes the progress lines: on a pipe each on its own line; on a terminal the model's turns and test runs
/// redraw one live line and each new step leaves its line behind.
struct FixProgressWriter: Sendable {
    let io: CommandIO

    func write(_ step: FixStep, kind: String, detail: String) {
        guard let line = FixProgress.line(step, kind: kind, detail: detail) else { return }
        guard io.errorIsTerminal else { return io.writeError(line + "\n") }
        var live = false
        if case .candidate = step { live = kind == "model_reply" || kind == "tests" || kind == "tool_run_tests" }
        io.writeError("\r\u{1B}[K" + line + (live ? "" : "\n"))
    }

    /// Clears the live line, so the result starts on a clean line.
    func end() {
        if io.errorIsTerminal { io.writeError("\r\u{1B}[K") }
    }
}
